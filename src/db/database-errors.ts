/**
 * What a failed query means for the person who sent the request:
 * - 'unavailable': the database cannot be reached now (down, restarting, frozen, pool starved):
 *   a 503 "try again in a minute";
 * - 'conflict': the change clashes with a row already there (unique, exclusion, reference): 409;
 * - 'invalid': a value the database refuses (too long, out of range, not of its type, a check):
 *   a 400. Forms check their values first and say so at the field; this is the net below them.
 */
export type DatabaseErrorKind = 'unavailable' | 'conflict' | 'invalid';

export interface DatabaseErrorInfo {
  kind: DatabaseErrorKind;
  /** The SQLSTATE, the Node error code, or the message it was recognised by. */
  code: string;
  constraint?: string;
}

/** Node's codes for a server that cannot be reached or a connection that broke. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/** What pg, pg-pool and knex say when a connection could not be had or was lost. */
const UNAVAILABLE_MESSAGES =
  /Timeout acquiring a connection|Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|Connection ended unexpectedly/i;

const CONFLICT_STATES = new Set(['23505', '23P01', '23503']);

export function classifyDatabaseError(error: unknown, depth = 0): DatabaseErrorInfo | undefined {
  if (!error || typeof error !== 'object' || depth > 4) return undefined;
  const { code, constraint, name, message } = error as {
    code?: unknown;
    constraint?: unknown;
    name?: unknown;
    message?: unknown;
  };
  const state = typeof code === 'string' ? code : '';
  const withConstraint = typeof constraint === 'string' ? { constraint } : {};
  if (/^[0-9A-Z]{5}$/.test(state)) {
    // 08: connection exception; 57P01-03: the server is shutting down or starting; 53: out of
    // connections, memory or disk; 3D000 / 28: the database or its login is missing (a restore).
    if (/^(08|53|28)/.test(state) || /^57P0[1-3]$/.test(state) || state === '3D000')
      return { kind: 'unavailable', code: state };
    if (CONFLICT_STATES.has(state)) return { kind: 'conflict', code: state, ...withConstraint };
    // 22: data exception (22001 too long, 22003 out of range, 22P02 not a number, 22021 NUL
    // byte...); 23: integrity (23502 not null, 23514 check); 54000: a value too big to index.
    if (/^(22|23)/.test(state) || state === '54000')
      return { kind: 'invalid', code: state, ...withConstraint };
  }
  if (NETWORK_CODES.has(state)) return { kind: 'unavailable', code: state };
  if (name === 'KnexTimeoutError') return { kind: 'unavailable', code: 'KnexTimeoutError' };
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.test(message))
    return { kind: 'unavailable', code: UNAVAILABLE_MESSAGES.exec(message)![0] };
  // Node's connection attempts to several addresses fail together (an AggregateError); knex and
  // pg-boss wrap what they caught in `cause`.
  const { errors, cause } = error as { errors?: unknown; cause?: unknown };
  if (Array.isArray(errors))
    for (const inner of errors) {
      const found = classifyDatabaseError(inner, depth + 1);
      if (found) return found;
    }
  return classifyDatabaseError(cause, depth + 1);
}
