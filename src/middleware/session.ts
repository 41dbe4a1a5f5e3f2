import connectPgSimple from 'connect-pg-simple';
import type { RequestHandler } from 'express';
import session from 'express-session';
import type pg from 'pg';

export const SESSION_COOKIE = 'sid';
export const CITIZEN_IDLE_MS = 30 * 60 * 1000;
export const STAFF_IDLE_MS = 15 * 60 * 1000;
export const ABSOLUTE_MS = 12 * 60 * 60 * 1000;

declare module 'express-session' {
  interface SessionData {
    signedInAt?: number;
    flash?: { kind: 'success' | 'info'; key: string; params?: Record<string, string> };
    returnTo?: string;
  }
}

/**
 * Sessions in PostgreSQL. No cookie and no row until something is stored (an anonymous visit to a
 * public page never creates one). Idle timeout by a rolling cookie; the absolute limit is checked
 * in the auth middleware.
 */
export function sessionMiddleware(options: { pool: pg.Pool; secret: string; secure: boolean }): RequestHandler {
  const PgStore = connectPgSimple(session);
  return session({
    name: SESSION_COOKIE,
    secret: options.secret,
    store: new PgStore({ pool: options.pool, tableName: 'session', pruneSessionInterval: 15 * 60 }),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: options.secure, maxAge: CITIZEN_IDLE_MS },
  });
}
