import { randomBytes } from 'node:crypto';
import request from 'supertest';
import twilio from 'twilio';
import { XMLParser } from 'fast-xml-parser';
import type { Db } from '../../src/db/knex.ts';
import { hashSecret } from '../../src/lib/passwords.ts';
import { DEV_AUTH_TOKEN } from '../../src/features/phone/phone.config.ts';
import { createActiveUser } from './accounts.ts';

type App = Parameters<typeof request>[0];

/** What one answer of ours asks of the caller, read from its TwiML. */
export interface Screen {
  status: number;
  /** Everything said, in order (inside the keypad question too). */
  says: string[];
  /** The languages the sentences were said in (el-GR, en-GB), in the same order. */
  languages: string[];
  gather?: { action: string; numDigits?: number; finishOnKey?: string; timeout: number };
  record?: { action: string; maxLength: number };
  /** Where silence goes. */
  redirect?: string;
  hangup: boolean;
  xml: string;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  preserveOrder: true,
  trimValues: true,
});

type Parsed = Record<string, unknown> & { ':@'?: Record<string, string> };

function readScreen(status: number, xml: string): Screen {
  const screen: Screen = { status, says: [], languages: [], hangup: false, xml };
  if (status !== 200) return screen;
  const doc = parser.parse(xml) as Parsed[];
  const response = doc.find((node) => 'Response' in node)?.Response as Parsed[] | undefined;
  if (!response) throw new Error(`not TwiML: ${xml}`);
  const textOf = (node: Parsed, name: string) =>
    ((node[name] as Parsed[])[0]?.['#text'] as string | undefined) ?? '';
  const say = (node: Parsed) => {
    screen.says.push(String(textOf(node, 'Say')));
    screen.languages.push(node[':@']?.language ?? '');
  };
  for (const node of response) {
    const attributes = node[':@'] ?? {};
    if ('Say' in node) say(node);
    else if ('Gather' in node) {
      for (const inner of node.Gather as Parsed[]) if ('Say' in inner) say(inner);
      screen.gather = {
        action: attributes.action!,
        numDigits: attributes.numDigits ? Number(attributes.numDigits) : undefined,
        finishOnKey: attributes.finishOnKey,
        timeout: Number(attributes.timeout),
      };
    } else if ('Record' in node)
      screen.record = { action: attributes.action!, maxLength: Number(attributes.maxLength) };
    else if ('Redirect' in node) screen.redirect = String(textOf(node, 'Redirect'));
    else if ('Hangup' in node) screen.hangup = true;
  }
  return screen;
}

/** A CallSid as Twilio makes them: CA and 32 hex digits. */
export const newCallSid = () => `CA${randomBytes(16).toString('hex')}`;

/**
 * A provider that calls the portal: signs each POST as Twilio does (its own library computes the
 * signature), parses our TwiML and follows each `action` with the keys a caller presses.
 */
export class PhoneCall {
  readonly callSid: string;
  screen: Screen | undefined;
  /** Every request sent, to send again (a provider's retry). */
  readonly sent: { url: string; params: Record<string, string> }[] = [];

  constructor(
    private readonly app: App,
    private readonly options: {
      from: string;
      baseUrl: string;
      authToken?: string;
      callSid?: string;
    },
  ) {
    this.callSid = options.callSid ?? newCallSid();
  }

  /** Signs and posts a webhook (the full URL as the provider called it). */
  async post(url: string, extra: Record<string, string> = {}): Promise<Screen> {
    const params = {
      AccountSid: 'AC00000000000000000000000000000000',
      CallSid: this.callSid,
      From: this.options.from,
      To: '+302841082925',
      Direction: 'inbound',
      CallStatus: 'in-progress',
      ...extra,
    };
    this.sent.push({ url, params });
    return this.send(url, params);
  }

  /** Sends a request again exactly as it was (a provider's retry). */
  async resend(index = this.sent.length - 1): Promise<Screen> {
    const { url, params } = this.sent[index]!;
    return this.send(url, params);
  }

  private async send(url: string, params: Record<string, string>): Promise<Screen> {
    const token = this.options.authToken ?? DEV_AUTH_TOKEN;
    const signature = twilio.getExpectedTwilioSignature(token, url, params);
    const path = url.slice(this.options.baseUrl.length);
    const response = await request(this.app)
      .post(path)
      .type('form')
      .set('X-Twilio-Signature', signature)
      .send(params);
    this.screen = readScreen(response.status, response.text);
    return this.screen;
  }

  /** The call comes in. */
  async dial(): Promise<Screen> {
    return this.post(`${this.options.baseUrl}/phone/voice`);
  }

  /** The caller presses keys in answer to the current question. */
  async press(digits: string): Promise<Screen> {
    const action = this.screen?.gather?.action;
    if (!action) throw new Error(`nothing asks for keys: ${this.screen?.xml}`);
    return this.post(action, { Digits: digits });
  }

  /** The caller says nothing: the provider goes on to the Redirect. */
  async silence(): Promise<Screen> {
    const redirect = this.screen?.redirect;
    if (!redirect) throw new Error(`no redirect: ${this.screen?.xml}`);
    return this.post(redirect);
  }

  /** The caller records after the beep (the provider posts where the recording is). */
  async recorded(recording: { url: string; sid: string; seconds: number }): Promise<Screen> {
    const action = this.screen?.record?.action;
    if (!action) throw new Error(`nothing asks for a recording: ${this.screen?.xml}`);
    return this.post(action, {
      RecordingUrl: recording.url,
      RecordingSid: recording.sid,
      RecordingDuration: String(recording.seconds),
      Digits: '#',
    });
  }

  /** The provider says the call is over. */
  async hangUp(seconds = 42): Promise<number> {
    const url = `${this.options.baseUrl}/phone/status`;
    const params = {
      CallSid: this.callSid,
      From: this.options.from,
      CallStatus: 'completed',
      CallDuration: String(seconds),
    };
    const signature = twilio.getExpectedTwilioSignature(
      this.options.authToken ?? DEV_AUTH_TOKEN,
      url,
      params,
    );
    const response = await request(this.app)
      .post('/phone/status')
      .type('form')
      .set('X-Twilio-Signature', signature)
      .send(params);
    return response.status;
  }

  /** All that was said, as one text (for `toContain`). */
  get said(): string {
    return this.screen?.says.join(' ') ?? '';
  }
}

let counter = 0;

/** An active citizen with a phone number and a phone PIN (and `extra`: verified…). */
export async function phoneCitizen(
  db: Db,
  extra: Record<string, unknown> = {},
): Promise<{ id: number; phone: string; pin: string }> {
  counter += 1;
  const n = `${process.pid % 1000}${String(counter).padStart(3, '0')}`;
  const phone = `+3069${n.padStart(8, '0').slice(-8)}`;
  const pin = String(100000 + ((counter * 7919) % 900000));
  const user = await createActiveUser(db, `phone${n}`, {
    phone_e164: phone,
    ivr_pin_hash: await hashSecret(pin),
    ...extra,
  });
  return { id: user.id, phone, pin };
}

/** A call from a number, through to the main menu with the right PIN. */
export async function signedInCall(
  app: App,
  baseUrl: string,
  caller: { phone: string; pin: string },
  options: { english?: boolean } = {},
): Promise<PhoneCall> {
  const call = new PhoneCall(app, { from: caller.phone, baseUrl });
  await call.dial();
  if (options.english) await call.press('9');
  else await call.silence();
  const screen = await call.press(caller.pin);
  // Said in the account's language.
  const welcomed = ['Συνδεθήκατε.', 'You are signed in.'].some((s) => screen.says.includes(s));
  if (!welcomed || !screen.gather)
    throw new Error(`not signed in: ${screen.xml}`);
  return call;
}
