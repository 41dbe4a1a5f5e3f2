import type { Request, RequestHandler, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../db/knex.ts';
import type { Clock } from '../lib/clock.ts';
import { HttpError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface OnceOnlyOptions {
  db: Db;
  logger: Logger;
  /** How long a duplicate waits for the first request's answer. */
  waitMs?: number;
  pollMs?: number;
  /**
   * Paths whose result lives in the response itself, not in the database: a sign-in's new
   * session cookie reaches only the request that made it, so its duplicates are let through.
   */
  except?: RegExp;
}

/**
 * Each form carries a fresh `_submission` id (views/partials/csrf.ejs). The first POST with an id
 * claims it (a primary key: one INSERT wins, in every process) and runs; when it answers with a
 * redirect the row keeps the Location, and an identical POST sent meanwhile waits for that and is
 * redirected there too: two clicks, one effect. An answer that is not a redirect (a form shown
 * again with its errors) frees the id, so the corrected form can be sent. A POST without an id
 * (an API client, a page from before this) runs as before. Must run after the CSRF check, and
 * after the body is parsed: for upload routes app.ts hands it to the staff area inside
 * `protectUpload` (`inSequence(csrf check, this)`), which runs once multer has read the form.
 */
export function onceOnlySubmission(options: OnceOnlyOptions): RequestHandler {
  const { db, logger, waitMs = 10_000, pollMs = 100, except } = options;

  const claim = async (id: string, owner: string): Promise<boolean> => {
    const result = (await db.raw(
      `INSERT INTO form_submissions (id, session_id) VALUES (?, ?)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [id, owner],
    )) as { rows: unknown[] };
    return result.rows.length === 1;
  };

  /** Records the first request's answer as soon as its status and headers are settled. */
  const settleOnAnswer = (res: Response, id: string) => {
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => Response;
    res.writeHead = ((...args: unknown[]) => {
      const status = typeof args[0] === 'number' ? args[0] : res.statusCode;
      const location = res.getHeader('location');
      const settle =
        status >= 300 && status < 400 && typeof location === 'string'
          ? db('form_submissions').where({ id }).update({ location })
          : db('form_submissions').where({ id }).delete();
      settle.catch((error: unknown) => logger.warn({ err: error }, 'form submission not settled'));
      return writeHead(...args);
    }) as typeof res.writeHead;
  };

  /** Waits for the first request with this id to answer, up to `waitMs`. */
  const awaitFirst = async (id: string, owner: string): Promise<FirstOutcome> => {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const row = (await db('form_submissions').where({ id }).first('location', 'session_id')) as
        { location: string | null; session_id: string } | undefined;
      if (!row) return { kind: 'freed' };
      // Another owner's id (it cannot hold this owner's CSRF token): its answer is not ours.
      if (row.session_id !== owner) return { kind: 'foreign' };
      if (row.location) return { kind: 'redirected', location: row.location };
      if (Date.now() >= deadline) return { kind: 'pending' };
      await sleep(pollMs);
    }
  };

  // An upload route runs the guard again once its parser has read the form (app.ts); a form
  // that was not an upload (url-encoded) was claimed on the way in and must not wait for itself.
  const claimedBy = new WeakSet<Request>();

  const guard: RequestHandler = async (req, res, next) => {
    if (claimedBy.has(req)) {
      next();
      return;
    }
    const id = submissionIdOf(req);
    // Whose form it is, as the CSRF check proved it: a signed-in session, or an anonymous
    // visitor's CSRF cookie (anonymous forms have no session of their own).
    const owner = req.formOwner ?? (req.session ? req.sessionID : undefined);
    if (req.method !== 'POST' || !id || !owner || except?.test(req.path)) {
      next();
      return;
    }
    for (;;) {
      if (await claim(id, owner)) {
        claimedBy.add(req);
        settleOnAnswer(res, id);
        next();
        return;
      }
      const first = await awaitFirst(id, owner);
      // The first answered with errors and freed the id: this one tries for itself.
      if (first.kind === 'freed') continue;
      if (first.kind === 'foreign') {
        next();
        return;
      }
      if (first.kind === 'pending') throw new HttpError(409, 'errors.submissionPending.title');
      await redirectLikeTheFirst(req, res, first.location);
      return;
    }
  };

  return guard;
}

type FirstOutcome =
  | { kind: 'redirected'; location: string }
  | { kind: 'freed' }
  | { kind: 'foreign' }
  | { kind: 'pending' };

/** A fresh submission id for each form a page renders (views/partials/csrf.ejs). */
export const newSubmissionId = (): string => randomUUID();

function submissionIdOf(req: Request): string | undefined {
  const value = (req.body as Record<string, unknown> | undefined)?._submission;
  return typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : undefined;
}

/**
 * The duplicate loaded its session before the first request changed it (a message, a new PIN):
 * it reloads it, so that whatever it saves on the way out is the first request's, not older.
 */
async function redirectLikeTheFirst(req: Request, res: Response, location: string) {
  if (!req.session) {
    res.redirect(303, location);
    return;
  }
  const reloaded = await new Promise<boolean>((resolve) => {
    req.session.reload((error) => resolve(!error));
  });
  // The first ended the session: nothing of this stale copy may be saved back.
  if (!reloaded) delete (req as { session?: unknown }).session;
  res.redirect(303, location);
}

/** Runs handlers one after another as one: the upload routes' CSRF check, then `guard`. */
export function inSequence(...handlers: RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    let index = 0;
    const step = (error?: unknown): void => {
      const handler = handlers[index++];
      if (error || !handler) {
        next(error);
        return;
      }
      Promise.resolve(handler(req, res, step)).catch(step);
    };
    step();
  };
}

/** A submission id matters for seconds; the hourly maintenance job drops those older than a day. */
export async function pruneFormSubmissions(db: Db, clock: Clock): Promise<number> {
  return db('form_submissions')
    .where('created_at', '<', new Date(clock.now().getTime() - 24 * 3600 * 1000))
    .delete();
}
