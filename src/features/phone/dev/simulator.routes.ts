import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { formFields, presentErrors, type FieldErrorLike } from '../../../lib/form.ts';
import { formatPhone, toE164 } from '../../../lib/phone.ts';
import type { ModuleContext } from '../../module.ts';
import { phoneSettingsOf } from '../phone.config.ts';
import { recordingsStandIn } from './recordings.stand-in.ts';
import {
  WITHHELD,
  addEvent,
  newCall,
  postWebhook,
  readAnswer,
  type Line,
  type SimulatedCall,
} from './simulated-call.ts';

declare module 'express-session' {
  interface SessionData {
    /** The call /dev/phone is making (development only): what the line said, what it waits for. */
    phoneSimulator?: SimulatedCall;
  }
}

const KEYS = /^[0-9*#]$/;
/** Keys gathered for one question before they are sent whatever it asked (the webhook takes 40). */
const MOST_KEYS = 20;
const RECORDING_SECONDS = 7;

/** Where this server listens, as the connection that brought the request reached it. */
function ownOrigin(req: Request): string {
  const address = req.socket.localAddress ?? '127.0.0.1';
  const host = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${req.socket.localPort}`;
}

/**
 * /dev/phone: a phone in the browser (development and tests only; production never mounts it).
 * A person picks a caller number and calls; the server plays the provider: it posts signed
 * webhooks to this very server's /phone/…, shows what each answer says, and sends the keys
 * pressed to the step that answer named. Works without JavaScript: every key is a form's button,
 * and the call is kept in the session. /dev/phone/recordings/:sid stands in for the provider's
 * recordings.
 */
export function createPhoneSimulatorRouter(ctx: ModuleContext): Router {
  const router = Router();
  const { config } = ctx.deps;
  const settings = phoneSettingsOf(config);
  const to = toE164(config.CONTACT_PHONE) ?? '+302841082925';
  const callers = ctx.deps.modules
    .flatMap((module) => module.demo?.accounts ?? [])
    .filter((account) => account.phone && account.pin)
    .map((account) => ({
      name: account.fullName,
      username: account.username,
      phone: account.phone!,
      phoneText: formatPhone(account.phone!),
      pin: account.pin!,
    }));
  const lineFor = (req: Request): Line => ({
    settings,
    baseUrl: config.baseUrl,
    origin: ownOrigin(req),
    to,
  });

  /** Sends a step and follows its answer: what it says, what it waits for, or the end. */
  async function step(line: Line, call: SimulatedCall, path: string, extra = {}): Promise<void> {
    const result = await postWebhook(line, call, path, extra);
    let answer: ReturnType<typeof readAnswer> | undefined;
    try {
      answer = result.status === 200 ? readAnswer(result.body, line.baseUrl) : undefined;
    } catch {
      answer = undefined;
    }
    call.typed = '';
    if (!answer) {
      addEvent(call, { kind: 'failed', status: result.status });
      await end(line, call);
      return;
    }
    for (const said of answer.says) addEvent(call, { kind: 'said', ...said });
    call.prompt = answer.says;
    call.waiting = answer.waiting;
    call.redirect = answer.redirect;
    if (answer.hangup || (!answer.waiting && !answer.redirect)) {
      addEvent(call, { kind: 'lineHungUp' });
      await end(line, call);
    }
  }

  /** The call is over: the provider's status callback, with how long it lasted. */
  async function end(line: Line, call: SimulatedCall): Promise<void> {
    call.ended = true;
    call.waiting = undefined;
    call.redirect = undefined;
    const seconds = Math.max(0, Math.round((Date.now() - call.startedAt) / 1000));
    await postWebhook(line, call, '/phone/status', {
      CallStatus: 'completed',
      CallDuration: String(seconds),
    });
  }

  /** The keys gathered so far go to the question's step. */
  async function sendKeys(line: Line, call: SimulatedCall, keys: string, digits: string) {
    addEvent(call, { kind: 'pressed', keys });
    await step(line, call, `/phone/step?n=${call.waiting!.step}`, { Digits: digits });
  }

  function render(
    req: Request,
    res: Response,
    form: Record<string, string>,
    errors: FieldErrorLike[] = [],
  ) {
    const call = req.session?.phoneSimulator;
    res.status(errors.length ? 400 : 200).render('phone/dev/views/simulator', {
      pageTitle: req.t('phone.dev.title'),
      callers,
      toText: formatPhone(to),
      call: call && {
        ...call,
        fromText: call.from === WITHHELD ? req.t('phone.dev.withheld') : formatPhone(call.from),
      },
      values: form,
      ...presentErrors(req, errors),
    });
  }

  router.get('/dev/phone', (req, res) => {
    render(req, res, { caller: '', number: '' });
  });

  router.post('/dev/phone/call', async (req, res) => {
    const form = formFields(req.body, ['caller', 'number']);
    let from: string | undefined;
    const errors: FieldErrorLike[] = [];
    if (form.caller === 'withheld') from = WITHHELD;
    else if (form.caller === 'other') {
      from = toE164(form.number.slice(0, 40));
      if (!from) errors.push({ field: 'number', key: 'phone.dev.errors.number' });
    } else from = callers.find((caller) => caller.phone === form.caller)?.phone;
    if (!from && !errors.length) errors.push({ field: 'caller', key: 'phone.dev.errors.caller' });
    if (!from || errors.length) {
      render(req, res, form, errors);
      return;
    }
    const line = lineFor(req);
    const previous = req.session.phoneSimulator;
    if (previous && !previous.ended) await end(line, previous);
    const call = newCall(from, Date.now());
    await step(line, call, '/phone/voice');
    req.session.phoneSimulator = call;
    res.redirect(303, '/dev/phone#now');
  });

  router.post('/dev/phone/key', async (req, res) => {
    const { key } = formFields(req.body, ['key']);
    const call = req.session.phoneSimulator;
    if (!call || call.ended) {
      res.redirect(303, '/dev/phone');
      return;
    }
    const line = lineFor(req);
    const waiting = call.waiting;
    if (key === 'hangup') {
      addEvent(call, { kind: 'callerHungUp' });
      await end(line, call);
    } else if (key === 'silence') {
      // The question times out: the keys pressed so far are sent, or, with none, the line goes on.
      if (waiting?.kind === 'keys' && call.typed)
        await sendKeys(line, call, call.typed, call.typed);
      else if (call.redirect) {
        addEvent(call, { kind: 'silence' });
        await step(line, call, `/phone/step?n=${call.redirect}`);
      }
    } else if (key === 'record' && waiting?.kind === 'recording') {
      addEvent(call, { kind: 'recorded' });
      const sid = `RE${randomBytes(16).toString('hex')}`;
      await step(line, call, `/phone/step?n=${waiting.step}`, {
        RecordingUrl: `${config.baseUrl}/dev/phone/recordings/${sid}`,
        RecordingSid: sid,
        RecordingDuration: String(RECORDING_SECONDS),
        Digits: '#',
      });
    } else if (KEYS.test(key) && waiting?.kind === 'keys') {
      const typed = call.typed + key;
      if (waiting.finishOnKey && key === waiting.finishOnKey)
        await sendKeys(line, call, typed, call.typed);
      else if (
        (waiting.numDigits && typed.length >= waiting.numDigits) ||
        typed.length >= MOST_KEYS
      )
        await sendKeys(line, call, typed, typed);
      else call.typed = typed;
    }
    req.session.phoneSimulator = call;
    res.redirect(303, '/dev/phone#now');
  });

  router.get('/dev/phone/recordings/:sid', recordingsStandIn(settings));
  return router;
}
