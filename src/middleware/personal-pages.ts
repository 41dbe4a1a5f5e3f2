import { signedCookie } from 'cookie-parser';
import type { Request, RequestHandler } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionData } from 'express-session';
import type { ContentCache } from '../lib/content-cache.ts';
import type { UserRow } from '../features/accounts/users.repository.ts';
import { keepPage, keptPageBytes, sendKeptPage, type KeptPage } from './kept-page.ts';
import { credentialsCurrent } from './auth.ts';
import { keepAliveDue, pastAbsoluteLimit, SESSION_COOKIE, sessionExpired } from './session.ts';

/**
 * The public pages (home, decisions, benefits, …) as a signed-in citizen sees them: their name in
 * the header, the sign-out form, the services open to them; and the staff pages a module marks
 * `keptPages` (a handler's queue), as that staff member sees them. Rendered once per session,
 * language, day and URL and kept in a notified cache (the content cache for public pages, the
 * work cache for staff ones: their byte budget; emptied when what they show changes), each
 * page tied to the very session and account objects it was made from: when the session changes
 * (sign-out, a message, its timeout extended) or the account does (a role, the identity check, a
 * password change), the session or account cache drops that object and the page is made again.
 * So a kept page is only ever answered to the session it was made for, in the state it was made
 * in. Sent `no-store`, as every page seen with a session.
 */
export interface PersonalPage extends KeptPage {
  session: SessionData;
  user: UserRow;
}

interface SessionWithUser extends SessionData {
  passport?: { user?: number };
  credentialVersion?: number;
}

const SID = new RegExp(`(?:^|;)\\s*${SESSION_COOKIE}=([^;]*)`);

/** The session id a request's cookie carries, when its signature is ours. */
export function sessionIdOf(cookieHeader: string | undefined, secret: string): string | undefined {
  const raw = cookieHeader ? SID.exec(cookieHeader)?.[1] : undefined;
  if (!raw) return undefined;
  let value: string;
  try {
    value = decodeURIComponent(raw.trim());
  } catch {
    return undefined;
  }
  const sid = signedCookie(value, secret);
  return typeof sid === 'string' && sid !== value ? sid : undefined;
}

export interface PersonalPages {
  /** Before the session chain: notes which session and account objects the request starts from. */
  capture: RequestHandler;
  /** After the session chain: keeps the page it renders, if nothing changed meanwhile. */
  keep: RequestHandler;
  /** The kept page for this request, if it is still its session's page as things stand. */
  find: (req: IncomingMessage, lang: string, url: string) => PersonalPage | undefined;
}

export function personalPages(options: {
  pages: ContentCache;
  sessions: ContentCache;
  users: ContentCache;
  secret: string;
  now: () => Date;
  /** Which requests are for a page that may be kept (a public page, GET, no odd parameters). */
  isKept: (req: Request) => boolean;
  /** What else a page depends on (today's date), part of its key. */
  variant?: () => string;
}): PersonalPages {
  const { pages, sessions, users, secret, now } = options;
  const keyOf = (sid: string, lang: string, url: string) =>
    `me:${sid}:${lang}:${options.variant?.() ?? ''}:${url}`;

  /** The session and account as kept now, if a page made from them may be answered as it is. */
  const current = (sid: string) => {
    const session = sessions.peek<SessionWithUser>(sid);
    const id = session?.passport?.user;
    if (!session || id === undefined) return undefined;
    const user = users.peek<UserRow>(String(id));
    if (!user || user.status !== 'active' || !credentialsCurrent(user, session)) return undefined;
    // What the session chain would change or refuse is left to it (see session.ts and auth.ts).
    const time = now().getTime();
    if (session.flash || sessionExpired(session)) return undefined;
    if (pastAbsoluteLimit(session, time) || keepAliveDue(session, time)) return undefined;
    return { session, user };
  };

  interface Captured {
    sid: string;
    session: SessionData;
    user: UserRow;
    generation: number;
  }
  const capturedOf = new WeakMap<Request, Captured>();

  return {
    capture(req, _res, next) {
      if (req.method === 'GET' && options.isKept(req)) {
        const sid = sessionIdOf(req.headers.cookie, secret);
        const state = sid ? current(sid) : undefined;
        if (sid && state) capturedOf.set(req, { sid, ...state, generation: pages.generation() });
      }
      next();
    },
    keep(req, res, next) {
      const captured = capturedOf.get(req);
      if (!captured || !req.user || req.sessionID !== captured.sid) {
        next();
        return;
      }
      const send = res.send.bind(res);
      res.send = (body?: unknown) => {
        res.send = send;
        const state = current(captured.sid);
        const unchanged =
          typeof body === 'string' &&
          res.statusCode === 200 &&
          !res.locals.notice &&
          !res.getHeader('Set-Cookie') &&
          state?.session === captured.session &&
          state.user === captured.user &&
          req.user === captured.user;
        const kept = unchanged
          ? keepPage(
              body,
              String(res.locals.cspNonce ?? ''),
              String(res.getHeader('Content-Security-Policy') ?? ''),
            )
          : undefined;
        if (!kept) return send(body);
        const page: PersonalPage = { ...kept, session: captured.session, user: captured.user };
        pages.put(
          keyOf(captured.sid, req.lang, req.originalUrl),
          page,
          keptPageBytes(page),
          captured.generation,
        );
        sendPersonalPage(req, res, page, (bytes) => void send(bytes));
        return res;
      };
      next();
    },
    find(req, lang, url) {
      const sid = sessionIdOf(req.headers.cookie, secret);
      const page = sid ? pages.peek<PersonalPage>(keyOf(sid, lang, url)) : undefined;
      if (!sid || !page) return undefined;
      const state = current(sid);
      return state?.session === page.session && state.user === page.user ? page : undefined;
    },
  };
}

/** A kept personal page: as a kept public page, but never stored by a browser or proxy (no ETag). */
export function sendPersonalPage(
  req: IncomingMessage,
  res: ServerResponse,
  page: PersonalPage,
  write: (body: Buffer) => void,
): void {
  sendKeptPage(req, res, page, write, { personal: true });
}
