import type { Conn } from '../../db/knex.ts';
import type { Lang } from '../../lib/localized.ts';

/** Where a caller is: the node of the menus, its bad tries so far, and what it keeps. */
export interface CallState {
  node?: string;
  tries?: number;
  data?: Record<string, unknown>;
  /** Wrong PINs in this call; accounts tried in this call (caller ID withheld). */
  pinFailures?: number;
  numbersTried?: number;
}

export interface CallRow {
  id: number;
  call_sid: string;
  caller_e164: string | null;
  user_id: number | null;
  lang: Lang;
  started_at: Date;
  last_step_at: Date;
  ended_at: Date | null;
  duration_seconds: number | null;
  menus: string[];
  outcomes: string[];
  seq: number;
  busy_seq: number | null;
  answer: string | null;
  state: CallState;
}

/** A step in work is another's after this long (its worker died): a retry may take it. */
const CLAIM_SECONDS = 30;

/** A new call, or undefined when this CallSid has called already (a retried first webhook). */
export async function startCall(
  db: Conn,
  call: { callSid: string; callerE164: string | null },
): Promise<CallRow | undefined> {
  const rows = (await db('phone_calls')
    .insert({
      call_sid: call.callSid,
      caller_e164: call.callerE164,
      busy_seq: 0,
      busy_since: db.fn.now(),
    })
    .onConflict('call_sid')
    .ignore()
    .returning('*')) as CallRow[];
  return rows[0];
}

/**
 * Takes step `seq` of a call for this request: only the step after the last one answered, and
 * only if no other request is working it out (or its worker has been gone for 30 s).
 */
export async function claimStep(
  db: Conn,
  callSid: string,
  seq: number,
): Promise<CallRow | undefined> {
  const result = (await db.raw(
    `UPDATE phone_calls SET busy_seq = :seq, busy_since = now()
      WHERE call_sid = :callSid AND seq = :previous AND ended_at IS NULL
        AND (busy_seq IS DISTINCT FROM :seq OR busy_since < now() - make_interval(secs => :claim))
      RETURNING *`,
    { callSid, seq, previous: seq - 1, claim: CLAIM_SECONDS },
  )) as { rows: CallRow[] };
  return result.rows[0];
}

export async function findCall(db: Conn, callSid: string): Promise<CallRow | undefined> {
  return (await db('phone_calls').where({ call_sid: callSid }).first()) as CallRow | undefined;
}

export interface StepResult {
  answer: string;
  state: CallState;
  userId: number | null;
  lang: Lang;
  menus: readonly string[];
  outcomes: readonly string[];
  /** The answer hangs up: the call is over, its state emptied. */
  ended: boolean;
}

/**
 * Records a step's answer and the state it leaves: a claimed step if this request still holds it;
 * an unclaimed one if it is still the next step and nobody holds it (another request may have
 * recorded it meanwhile: then nothing is written and the caller sends that one's answer).
 */
export async function completeStep(
  db: Conn,
  callSid: string,
  seq: number,
  result: StepResult,
  claimed = true,
): Promise<boolean> {
  const which = claimed
    ? db('phone_calls').where({ call_sid: callSid, busy_seq: seq })
    : db('phone_calls')
        .where({ call_sid: callSid, seq: seq - 1 })
        .whereNull('busy_seq')
        .whereNull('ended_at');
  const count = await which.update({
    seq,
    busy_seq: null,
    busy_since: null,
    answer: result.answer,
    state: result.ended ? {} : JSON.stringify(result.state),
    user_id: result.userId,
    lang: result.lang,
    menus: [...result.menus],
    outcomes: [...result.outcomes],
    last_step_at: db.fn.now(),
    ...(result.ended ? { ended_at: db.fn.now() } : {}),
  });
  return count === 1;
}

/** A step that failed lets go of its claim, so the provider's retry can work it out anew. */
export async function releaseStep(db: Conn, callSid: string, seq: number): Promise<void> {
  await db('phone_calls')
    .where({ call_sid: callSid, busy_seq: seq })
    .update({ busy_seq: null, busy_since: null });
}

/**
 * The provider says the call is over (status callback): its length is kept, what it was doing is
 * forgotten (a vote being confirmed included).
 */
export async function endCall(
  db: Conn,
  callSid: string,
  durationSeconds: number | null,
): Promise<void> {
  await db('phone_calls')
    .where({ call_sid: callSid })
    .update({
      ended_at: db.raw('coalesce(ended_at, now())'),
      duration_seconds:
        durationSeconds ?? db.raw('greatest(0, extract(epoch from now() - started_at))::int'),
      state: {},
      answer: null,
      busy_seq: null,
      busy_since: null,
    });
}

/**
 * Calls that went quiet without the provider saying they ended (a missed status callback): after
 * an hour they are ended and their state forgotten. Returns how many.
 */
export async function endQuietCalls(db: Conn): Promise<number> {
  return db('phone_calls')
    .whereNull('ended_at')
    .where('last_step_at', '<', db.raw("now() - interval '1 hour'"))
    .update({
      ended_at: db.raw('last_step_at'),
      duration_seconds: db.raw('greatest(0, extract(epoch from last_step_at - started_at))::int'),
      state: {},
      answer: null,
      busy_seq: null,
      busy_since: null,
    });
}

/** Calls deleted at once by the call log's rule: a short lock each, however many are due. */
const FORGET_BATCH = 1000;

/**
 * The rule phone.forget-calls: the call log keeps `days` days; older calls are deleted, a batch
 * at a time. Returns how many.
 */
export async function forgetOldCalls(db: Conn, now: Date, days: number): Promise<number> {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  let deleted = 0;
  for (;;) {
    const batch = await db('phone_calls')
      .whereIn(
        'id',
        db('phone_calls')
          .where('started_at', '<', cutoff)
          .orderBy('id')
          .limit(FORGET_BATCH)
          .select('id'),
      )
      .delete();
    deleted += batch;
    if (batch < FORGET_BATCH) return deleted;
  }
}
