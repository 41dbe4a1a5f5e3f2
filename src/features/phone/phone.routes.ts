import { setTimeout as sleep } from 'node:timers/promises';
import { Router, type Request, type Response } from 'express';
import { findUserById } from '../accounts/users.repository.ts';
import { auditContext } from '../audit/audit.repository.ts';
import type { ModuleContext } from '../module.ts';
import {
  claimStep,
  completeStep,
  endCall,
  findCall,
  releaseStep,
  startCall,
  type CallRow,
  type StepResult,
} from './calls.repository.ts';
import { answerCall, answerStep, apology, type Input, type Nodes } from './engine.ts';
import { PHONE_NODES } from './phone.nodes.ts';
import { phoneSettingsOf } from './phone.config.ts';
import { requireSignature } from './signature.ts';
import { callerNumber } from './sign-in.nodes.ts';
import { stepNumber, stepPath } from './steps.ts';

/** The fields of a provider's webhook we read, checked: anything odd is a 400, changing nothing. */
export interface CallParams {
  callSid: string;
  from: string | undefined;
  digits: string;
  recording?: Input['recording'];
  callDuration?: number;
}

const SID = /^[A-Za-z0-9-]{10,64}$/;

export function readParams(body: Record<string, unknown>): CallParams | undefined {
  const values = Object.values(body);
  if (values.some((value) => typeof value !== 'string' || value.length > 1000)) return undefined;
  const field = (name: string) => body[name] as string | undefined;
  const callSid = field('CallSid');
  const digits = field('Digits') ?? '';
  if (!callSid || !SID.test(callSid)) return undefined;
  // Keys the caller pressed ('hangup' when a recording ended with the call).
  if (!/^[0-9*#]{0,40}$/.test(digits) && digits !== 'hangup') return undefined;
  const url = field('RecordingUrl');
  const params: CallParams = {
    callSid,
    from: field('From'),
    // After a <Record>, Digits is the key that ended it (#) or 'hangup'; in a one-key question
    // # is the key pressed.
    digits: digits === 'hangup' ? '' : url !== undefined ? digits.replace(/#$/, '') : digits,
  };
  if (url !== undefined) {
    const sid = field('RecordingSid') ?? '';
    const duration = field('RecordingDuration') ?? '0';
    if (!SID.test(sid) || !/^\d{1,4}$/.test(duration)) return undefined;
    params.recording = { url, sid, durationSeconds: Number(duration) };
  }
  const callDuration = field('CallDuration');
  if (callDuration !== undefined) {
    if (!/^\d{1,7}$/.test(callDuration)) return undefined;
    params.callDuration = Number(callDuration);
  }
  return params;
}

/**
 * The calls this process answered last, as recorded: the next step of a call starts from here
 * without reading it again. Only a step that is still the next one is worked out from it (the
 * write that records it checks so); any other goes to the database. Bounded: the oldest go.
 */
class RecentCalls {
  private readonly calls = new Map<string, CallRow>();
  constructor(private readonly max: number) {}
  get(callSid: string): CallRow | undefined {
    return this.calls.get(callSid);
  }
  keep(call: CallRow): void {
    this.calls.delete(call.call_sid);
    if (call.ended_at) return;
    this.calls.set(call.call_sid, call);
    if (this.calls.size > this.max) this.calls.delete(this.calls.keys().next().value!);
  }
  forget(callSid: string): void {
    this.calls.delete(callSid);
  }
}

/** The call as a step left it. */
function afterStep(call: CallRow, seq: number, result: StepResult): CallRow {
  return {
    ...call,
    seq,
    busy_seq: null,
    answer: result.answer,
    state: result.ended ? {} : result.state,
    user_id: result.userId,
    lang: result.lang,
    menus: [...result.menus],
    outcomes: [...result.outcomes],
    ended_at: result.ended ? new Date() : null,
  };
}

function sendTwiml(res: Response, answer: string): void {
  res.status(200).type('text/xml').send(answer);
}

/**
 * The answer another request is working out for this step (a provider's retry came while the
 * first was still in work): waited for a few seconds, then given up on.
 */
async function answerOfOther(
  ctx: ModuleContext,
  callSid: string,
  seq: number,
): Promise<string | undefined> {
  for (let waited = 0; waited < 5000; waited += 100) {
    const call = await findCall(ctx.deps.db, callSid);
    if (!call) return undefined;
    if (call.seq === seq && call.answer) return call.answer;
    if (call.busy_seq !== seq) return undefined;
    await sleep(100);
  }
  return undefined;
}

/**
 * The provider's webhooks: `POST /phone/voice` when a call comes in, `POST /phone/step?n=N` for
 * each keypad answer (the URL each answer's question names), `POST /phone/status` when the call
 * ends. Every one must be signed for its URL (signature.ts); each step is worked out once, a retry
 * getting the same answer (calls.repository.ts).
 */
export function createPhoneWebhooks(ctx: ModuleContext, nodes: Nodes = PHONE_NODES): Router {
  const router = Router();
  const settings = phoneSettingsOf(ctx.deps.config);
  const { db, i18n } = ctx.deps;
  const nextUrl = (seq: number) => ctx.deps.config.baseUrl + stepPath(seq);
  const recent = new RecentCalls(10_000);

  router.use((req, res, next) => {
    if (!settings.enabled || req.method !== 'POST') {
      res.status(404).type('text').send('Not found');
      return;
    }
    next();
  });
  router.use(
    requireSignature({ baseUrl: ctx.deps.config.baseUrl, authToken: () => settings.authToken }),
  );

  const userOf = async (call: CallRow) =>
    call.user_id
      ? ((await ctx.deps.userCache.get(String(call.user_id), () =>
          findUserById(db, call.user_id!),
        )) ?? undefined)
      : undefined;

  /** Works a claimed step out and records it; a failure lets the claim go and apologises. */
  async function work(
    req: Request,
    res: Response,
    call: CallRow,
    seq: number,
    answer: (user: Awaited<ReturnType<typeof userOf>>) => Promise<StepResult>,
    claimed = true,
  ): Promise<void> {
    let result: StepResult;
    try {
      const user = await userOf(call);
      // An account disabled during the call is signed out of it.
      result = await answer(user?.status === 'active' ? user : undefined);
    } catch (error) {
      if (claimed) await releaseStep(db, call.call_sid, seq);
      req.log.error({ err: error, step: seq }, 'phone step failed');
      sendTwiml(res, apology(settings, i18n.t(call.lang), call.lang));
      return;
    }
    if (await completeStep(db, call.call_sid, seq, result, claimed)) {
      recent.keep(afterStep(call, seq, result));
      sendTwiml(res, result.answer);
      return;
    }
    recent.forget(call.call_sid);
    // Another request recorded this step first (a retry that raced this one): its answer goes.
    const other = await answerOfOther(ctx, call.call_sid, seq);
    if (other) sendTwiml(res, other);
    else res.status(409).type('text').send('Conflict');
  }

  router.post('/voice', async (req, res) => {
    const params = readParams(req.body as Record<string, unknown>);
    if (!params) {
      res.status(400).type('text').send('Bad request');
      return;
    }
    const call = await startCall(db, {
      callSid: params.callSid,
      callerE164: callerNumber(params.from),
    });
    if (!call) {
      const answer = await answerOfOther(ctx, params.callSid, 0);
      if (answer) sendTwiml(res, answer);
      else res.status(409).type('text').send('Conflict');
      return;
    }
    const request = { ctx, settings, nodes, call, nextUrl: nextUrl(1), audit: auditContext(req) };
    await work(req, res, call, 0, (user) => answerCall({ ...request, user }, 'welcome'));
  });

  router.post('/step', async (req, res) => {
    const params = readParams(req.body as Record<string, unknown>);
    const seq = stepNumber(req.query.n);
    if (!params || seq === undefined) {
      res.status(400).type('text').send('Bad request');
      return;
    }
    const kept = recent.get(params.callSid);
    const current =
      kept && kept.seq >= seq - 1 && kept.seq <= seq ? kept : await findCall(db, params.callSid);
    if (current?.seq === seq && current.answer && current.busy_seq === null) {
      // A retry of a step already answered.
      sendTwiml(res, current.answer);
      return;
    }
    const node = nodes[current?.state.node ?? ''];
    const free = current?.seq === seq - 1 && !current.ended_at && current.busy_seq === null;
    // A step that only moves in the menus is worked out at once and recorded if still next; one
    // that acts (or one another request holds) is claimed first.
    const call = free && node && !node.acts ? current : await claimStep(db, params.callSid, seq);
    if (!call) {
      const answer = await answerOfOther(ctx, params.callSid, seq);
      if (answer) sendTwiml(res, answer);
      else
        res
          .status(current ? 409 : 404)
          .type('text')
          .send(current ? 'Conflict' : 'Not found');
      return;
    }
    const request = {
      ctx,
      settings,
      nodes,
      call,
      nextUrl: nextUrl(seq + 1),
      audit: auditContext(req),
    };
    await work(
      req,
      res,
      call,
      seq,
      (user) =>
        answerStep({ ...request, user }, { digits: params.digits, recording: params.recording }),
      call !== current,
    );
  });

  router.post('/status', async (req, res) => {
    const params = readParams(req.body as Record<string, unknown>);
    if (!params) {
      res.status(400).type('text').send('Bad request');
      return;
    }
    const status = (req.body as Record<string, string>).CallStatus ?? '';
    if (['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(status)) {
      recent.forget(params.callSid);
      await endCall(db, params.callSid, params.callDuration ?? null);
    }
    res.status(204).end();
  });

  return router;
}
