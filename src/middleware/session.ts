import connectPgSimple from 'connect-pg-simple';
import type { RequestHandler } from 'express';
import session, { type SessionData } from 'express-session';
import type { Knex } from 'knex';
import type pg from 'pg';
import type { ContentCache } from '../lib/content-cache.ts';

export const SESSION_COOKIE = 'sid';
export const CITIZEN_IDLE_MS = 30 * 60 * 1000;
export const STAFF_IDLE_MS = 15 * 60 * 1000;
export const ABSOLUTE_MS = 12 * 60 * 60 * 1000;

declare module 'express-session' {
  interface SessionData {
    signedInAt?: number;
    /** A message for the next page, shown there once by the layout (post/redirect/get). */
    flash?: { key: string; params?: Record<string, string> };
    /** The address a registration was sent to, for the "check your email" page. */
    pendingEmail?: string;
    /** That account signs in with TaxisNet only: its email carries no phone PIN. */
    pendingWithoutPin?: boolean;
    lastSeen?: number;
    /** How this session signed in (a service may ask for TaxisNet: the ΚΕΠ's video calls). */
    signedInWith?: 'password' | 'taxisnet';
    /**
     * Where sign-out sends the browser after ending this session: the outside service that signed
     * it in (GSIS's logout, which comes back to the portal), or home when unset.
     */
    signOutUrl?: string;
  }
}

/** Takes a waiting message off the session on the next page view; the layout shows it as a banner. */
export const flashNotice: RequestHandler = (req, res, next) => {
  const flash = req.method === 'GET' ? req.session?.flash : undefined;
  if (flash) {
    delete req.session.flash;
    res.locals.notice = req.t(flash.key, flash.params);
  }
  next();
};

/**
 * A page seen with a session (signed in, or holding a form's token) is personal: no browser or
 * proxy may keep it, so Back after sign-out does not show the account or staff records again.
 * Routes that serve public files (a decision's PDF) may still set their own caching.
 */
export const noStoreWithSession: RequestHandler = (req, res, next) => {
  if (req.user || req.session?.id) {
    res.setHeader('Cache-Control', 'no-store');
    res.vary('Cookie');
  }
  next();
};

export const KEEP_ALIVE_EVERY_MS = 60 * 1000;

/** The session's idle timeout is due to be extended (at most once a minute). */
export function keepAliveDue(
  session: Partial<Pick<SessionData, 'lastSeen'>>,
  time: number,
): boolean {
  return !session.lastSeen || time - session.lastSeen >= KEEP_ALIVE_EVERY_MS;
}

/** Past the absolute limit: 12 hours since sign-in. */
export function pastAbsoluteLimit(
  session: Partial<Pick<SessionData, 'signedInAt'>>,
  time: number,
): boolean {
  return time - (session.signedInAt ?? 0) > ABSOLUTE_MS;
}

/** Past its cookie's expiry, by the system time, as the store's own query judges it. */
export function sessionExpired(session: SessionData): boolean {
  const expires = session.cookie.expires;
  return Boolean(expires) && new Date(expires!).getTime() <= Date.now();
}

/**
 * Extends a signed-in session's idle timeout: marking the session changed makes express-session
 * save it (new expiry in the store) and send the cookie again (new expiry in the browser). Done at
 * most once a minute, so a busy citizen costs one write a minute, not one per page.
 */
export function keepAlive(now: () => Date): RequestHandler {
  return (req, _res, next) => {
    if (req.session && req.user) {
      const time = now().getTime();
      if (keepAliveDue(req.session, time)) req.session.lastSeen = time;
    }
    next();
  };
}

/**
 * Sessions in PostgreSQL. No cookie and no row until something is stored (an anonymous visit to a
 * public page never creates one). Idle timeout by a rolling cookie; the absolute limit is checked
 * in the auth middleware.
 */
export function sessionMiddleware(options: {
  pool: pg.Pool;
  secret: string;
  secure: boolean;
  /** Sessions kept in memory between requests (emptied by NOTIFY sessions_changed). */
  cache: ContentCache;
}): RequestHandler {
  const PgStore = connectPgSimple(session);
  type Callback = (error?: unknown, value?: session.SessionData | null) => void;
  /**
   * The PostgreSQL store, read through the session cache: a signed-in page view costs no query.
   * Every write goes to the database first and drops the entry here; the row's trigger tells the
   * other processes (see content-cache.ts for what happens while that connection is down). An
   * unknown id is never kept, and a kept session past its expiry is not served.
   */
  class CachedPgStore extends PgStore {
    override get(sid: string, done: Callback): void {
      const load = () =>
        new Promise<session.SessionData | null>((resolve, reject) => {
          super.get(sid, (error: unknown, value) => {
            if (error)
              reject(error instanceof Error ? error : new Error('session store', { cause: error }));
            else resolve(value ?? null);
          });
        });
      options.cache.get(sid, load).then(
        (value) => {
          if (!value) options.cache.invalidate(sid);
          if (value && sessionExpired(value)) {
            options.cache.invalidate(sid);
            done(null, null);
            return;
          }
          // express-session changes the object it is given: each request gets its own copy.
          done(null, value ? (structuredClone(value) as session.SessionData) : null);
        },
        (error: unknown) => done(error),
      );
    }
    override set(sid: string, value: session.SessionData, done?: (error?: unknown) => void): void {
      super.set(sid, value, (error?: unknown) => {
        options.cache.invalidate(sid);
        done?.(error);
      });
    }
    override destroy(sid: string, done?: (error?: unknown) => void): void {
      super.destroy(sid, (error?: unknown) => {
        options.cache.invalidate(sid);
        done?.(error);
      });
    }
  }
  return session({
    name: SESSION_COOKIE,
    secret: options.secret,
    // No write per request: the idle timeout is extended by `keepAlive` at most once a minute.
    store: new CachedPgStore({
      pool: options.pool,
      tableName: 'session',
      // Expired sessions are deleted by the retention rule site.expired-sessions (the worker),
      // so each run is recorded; not by every web process on its own timer.
      pruneSessionInterval: false,
      disableTouch: true,
    }),
    resave: false,
    saveUninitialized: false,
    rolling: false,
    cookie: { httpOnly: true, sameSite: 'lax', secure: options.secure, maxAge: CITIZEN_IDLE_MS },
  });
}

/**
 * express-session saves a changed session while the response is ending, after the headers are
 * out: a browser may follow a redirect before the save lands and miss what was just stored (the
 * sign-in time, a message). Redirects wait for the save instead.
 */
export function saveBeforeRedirect(forgetUser: (id: number) => void): RequestHandler {
  return (req, res, next) => {
    const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
    res.redirect = ((...args: unknown[]) => {
      // A form that changed the account: this process reads it afresh on the next page (others hear by NOTIFY).
      if (req.user && req.method !== 'GET') forgetUser(req.user.id);
      if (!req.session) {
        redirect(...args);
        return;
      }
      req.session.save((error) => {
        if (error) next(error);
        else redirect(...args);
      });
    }) as typeof res.redirect;
    next();
  };
}

/** The rule site.expired-sessions: sessions past their expiry, deleted; returns how many. */
export async function deleteExpiredSessions(db: Knex, clock: { now: () => Date }): Promise<number> {
  return db('session').where('expire', '<', clock.now()).delete();
}
