import { randomBytes } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import type { Lang } from '../../../lib/localized.ts';
import type { PhoneSettings } from '../phone.config.ts';
import { webhookSignature } from '../signature.ts';
import { STEP_PATH, stepNumber, WITHHELD_CALLER_ID } from '../steps.ts';

/**
 * The provider's side of a call, as /dev/phone plays it: it posts to the portal's own webhooks,
 * signed as the provider signs, and reads the TwiML they answer. The next URL it may post to is
 * only ever the step the last answer named, kept as its number: the browser never chooses a URL.
 */

/** What happened on the line, in order. */
export type LineEvent =
  | { kind: 'said'; text: string; lang: Lang }
  | { kind: 'pressed'; keys: string }
  | { kind: 'silence' }
  | { kind: 'recorded' }
  | { kind: 'callerHungUp' }
  | { kind: 'lineHungUp' }
  | { kind: 'failed'; status: number };

/** What the last answer waits for. */
export type Waiting =
  | { kind: 'keys'; step: number; numDigits?: number; finishOnKey: string }
  | { kind: 'recording'; step: number };

export interface SimulatedCall {
  callSid: string;
  /** As the provider sends it: E.164, or the withheld caller's +266696687. */
  from: string;
  startedAt: number;
  events: LineEvent[];
  /** The sentences of the last answer: the prompt the caller is hearing now. */
  prompt: { text: string; lang: Lang }[];
  waiting?: Waiting;
  /** Where silence goes (the answer's Redirect). */
  redirect?: number;
  /** Keys pressed for the question not yet sent (a PIN, a number). */
  typed: string;
  ended: boolean;
}

/** What Twilio sends as the caller's number when caller ID is withheld ("ANONYMOUS" on a keypad). */
export const WITHHELD = WITHHELD_CALLER_ID;
/** Events kept for the page: a long call keeps its end. */
const EVENTS_KEPT = 60;

export function newCall(from: string, now: number): SimulatedCall {
  return {
    callSid: `CA${randomBytes(16).toString('hex')}`,
    from,
    startedAt: now,
    events: [],
    prompt: [],
    typed: '',
    ended: false,
  };
}

export function addEvent(call: SimulatedCall, event: LineEvent): void {
  call.events.push(event);
  if (call.events.length > EVENTS_KEPT) call.events.splice(0, call.events.length - EVENTS_KEPT);
}

/** The TwiML of one answer, as far as the simulator follows it. */
export interface Answer {
  says: { text: string; lang: Lang }[];
  waiting?: Waiting;
  redirect?: number;
  hangup: boolean;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  trimValues: true,
  parseTagValue: false,
  parseAttributeValue: false,
});

type XmlNode = Record<string, unknown> & { ':@'?: Record<string, string> };

/** The step number of one of our own step URLs, or undefined for any other URL. */
export function stepOfUrl(baseUrl: string, url: string | undefined): number | undefined {
  const prefix = baseUrl + STEP_PATH;
  return url?.startsWith(prefix) ? stepNumber(url.slice(prefix.length)) : undefined;
}

export function readAnswer(xml: string, baseUrl: string): Answer {
  const answer: Answer = { says: [], hangup: false };
  const doc = parser.parse(xml) as XmlNode[];
  const verbs = (doc.find((node) => 'Response' in node)?.Response ?? []) as XmlNode[];
  const textOf = (node: XmlNode, name: string) =>
    String(((node[name] as XmlNode[])[0]?.['#text'] as string | undefined) ?? '');
  const say = (node: XmlNode) =>
    answer.says.push({
      text: textOf(node, 'Say'),
      lang: (node[':@']?.language ?? '').startsWith('en') ? 'en' : 'el',
    });
  for (const node of verbs) {
    const attributes = node[':@'] ?? {};
    if ('Say' in node) say(node);
    else if ('Gather' in node) {
      for (const inner of node.Gather as XmlNode[]) if ('Say' in inner) say(inner);
      const step = stepOfUrl(baseUrl, attributes.action);
      const numDigits = Number(attributes.numDigits);
      if (step)
        answer.waiting = {
          kind: 'keys',
          step,
          numDigits: Number.isInteger(numDigits) && numDigits > 0 ? numDigits : undefined,
          // The provider's default finishing key is #.
          finishOnKey: attributes.finishOnKey ?? '#',
        };
    } else if ('Record' in node) {
      const step = stepOfUrl(baseUrl, attributes.action);
      if (step) answer.waiting = { kind: 'recording', step };
    } else if ('Redirect' in node) answer.redirect = stepOfUrl(baseUrl, textOf(node, 'Redirect'));
    else if ('Hangup' in node) answer.hangup = true;
  }
  return answer;
}

/** Where the webhooks are, and how to sign for them. */
export interface Line {
  settings: PhoneSettings;
  /** BASE_URL: the webhooks check signatures against the URL as the provider called it. */
  baseUrl: string;
  /** Where this server listens (the simulator posts to itself). */
  origin: string;
  /** The municipality's number, as `To`. */
  to: string;
}

/** Posts one signed webhook; returns its status and body. */
export async function postWebhook(
  line: Line,
  call: SimulatedCall,
  path: string,
  extra: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const params: Record<string, string> = {
    AccountSid: line.settings.accountSid,
    CallSid: call.callSid,
    From: call.from,
    To: line.to,
    Direction: 'inbound',
    CallStatus: 'in-progress',
    ApiVersion: '2010-04-01',
    ...extra,
  };
  const signature = webhookSignature(line.settings.authToken, `${line.baseUrl}${path}`, params);
  try {
    const response = await fetch(`${line.origin}${path}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        'X-Twilio-Signature': signature,
      },
      body: new URLSearchParams(params).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, body: await response.text() };
  } catch {
    // Not reached, or too slow: as the provider would, the simulator gives up on the call.
    return { status: 0, body: '' };
  }
}
