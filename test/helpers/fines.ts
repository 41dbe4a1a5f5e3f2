import type request from 'supertest';
import type { Db } from '../../src/db/knex.ts';
import type { Clock } from '../../src/lib/clock.ts';
import {
  createActiveUser,
  formTokens,
  newAgent,
  postForm,
  signIn,
  type Agent,
} from './accounts.ts';
import { insertFine, type FineInput } from './finance.ts';

/** A clock a test moves: the app reads it for today's date and the rate limit's window. */
export function movableClock(start: string): Clock & { set: (iso: string) => void } {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    set: (iso) => {
      now = new Date(iso);
    },
  };
}

let counter = 0;
/** A signed-in citizen; `afm` makes them verified (a clerk checked the identity, AFM recorded). */
export async function fineCitizen(
  app: Parameters<typeof newAgent>[0],
  db: Db,
  options: { afm?: string; lang?: 'el' | 'en' } = {},
): Promise<{ agent: Agent; id: number; email: string }> {
  counter += 1;
  const n = `fines-${counter}-${Math.random().toString(36).slice(2, 6)}`;
  const user = await createActiveUser(db, n, {
    lang: options.lang ?? 'el',
    ...(options.afm
      ? { afm: options.afm, identity_verified_at: new Date(), identity_channel: 'counter' }
      : {}),
  });
  const agent = newAgent(app);
  const res = await signIn(agent, user.username, user.password);
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  return { agent, id: user.id, email: `user.${n}@example.gr` };
}

let notices = 0;
/** A fine with a fresh notice number (defaults: unpaid, 80 €, on 2026-03-01 10:15 Athens). */
export async function aFine(
  db: Db,
  input: Partial<FineInput> = {},
): Promise<{ id: number; rf: string; noticeNumber: string; plate: string }> {
  notices += 1;
  const noticeNumber =
    input.noticeNumber ?? `2026-${String(100_000 + notices)}-${Date.now() % 1000}`;
  const plate = input.plate ?? 'ΙΚΒ1234';
  const fine = await insertFine(db, {
    offenceAt: '2026-03-01T08:15:00Z',
    amountCents: 8000,
    dueDate: '2026-05-01',
    ...input,
    noticeNumber,
    plate,
  });
  return { ...fine, noticeNumber, plate };
}

export function lookUp(agent: Agent, noticeNumber: string, plate: string) {
  return postForm(agent, '/fines', '/fines', { noticeNumber, plate });
}

/** The smallest files each check accepts by content. */
export const FILES = {
  pdf: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'latin1'),
  jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9]),
  png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48]),
};

/** Sends the objection form of a fine (multipart) with its tokens, fields and files. */
export async function postObjection(
  agent: Agent,
  fineId: number,
  fields: Record<string, string>,
  files: { content: Buffer; name: string; type?: string }[] = [],
  /** Tokens of a form loaded earlier (a tab left open); by default the form is loaded now. */
  loaded?: { _csrf: string; _submission: string },
): Promise<request.Response> {
  const path = `/fines/${fineId}/objection`;
  const tokens = loaded ?? (await formTokens(agent, path, path));
  let req = agent.post(path).field('_csrf', tokens._csrf).field('_submission', tokens._submission);
  for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
  for (const file of files)
    req = req.attach('files', file.content, {
      filename: file.name,
      contentType: file.type ?? 'application/octet-stream',
    });
  return req;
}
