import * as cheerio from 'cheerio';
import request from 'supertest';
import type { Deps } from '../../src/deps.ts';
import { runQueuedAccountMailRequests } from '../../src/features/accounts/account-mail-requests.ts';
import { MAIL_QUEUE, type OutgoingMail } from '../../src/features/mail/mail-queue.ts';
import { hashSecret } from '../../src/lib/passwords.ts';
import type { Db } from '../../src/db/knex.ts';

export type Agent = ReturnType<typeof request.agent>;

let ipCounter = 10;
/** A distinct client address per agent, so per-IP limits of one test do not leak into another. */
export function newAgent(app: Parameters<typeof request.agent>[0]): Agent {
  ipCounter += 1;
  return request
    .agent(app)
    .set('X-Forwarded-For', `10.0.${Math.floor(ipCounter / 250)}.${ipCounter % 250}`);
}

/** The CSRF token of the form on `path` (the agent keeps the session cookie). */
export async function csrfFrom(agent: Agent, path: string): Promise<string> {
  const res = await agent.get(path);
  const token = cheerio.load(res.text)('input[name="_csrf"]').first().attr('value');
  if (!token) throw new Error(`no CSRF token on ${path} (status ${res.status})`);
  return token;
}

/** The hidden fields of the form posting to `action` on `path`: its CSRF token and one-time submission id. */
export async function formTokens(
  agent: Agent,
  path: string,
  action: string,
): Promise<{ _csrf: string; _submission: string }> {
  const res = await agent.get(path);
  const form = cheerio.load(res.text)(`form[action="${action}"]`).first();
  const _csrf = form.find('input[name="_csrf"]').attr('value');
  const _submission = form.find('input[name="_submission"]').attr('value');
  if (!_csrf || !_submission) throw new Error(`no form tokens on ${path} (status ${res.status})`);
  return { _csrf, _submission };
}

/** A page's HTML without what differs on every response: tokens, submission ids, CSP nonces. */
export function withoutPerResponseValues(html: string): string {
  return html
    .replace(/(name="(?:_csrf|_submission)" value=")[^"]*"/g, '$1"')
    .replace(/nonce="[^"]*"/g, 'nonce=""');
}

/**
 * Sends the form posting to `action` on `formPath` as a browser would: with its hidden fields (the
 * CSRF token, a way back after sign-in; not the one-time submission id) and `fields` on top. A page
 * without such a form gives its first CSRF token.
 */
export async function postForm(
  agent: Agent,
  formPath: string,
  action: string,
  fields: Record<string, string>,
) {
  const res = await agent.get(formPath);
  const $ = cheerio.load(res.text);
  const hidden: Record<string, string> = {};
  $(`form[action="${action}"]`)
    .first()
    .find('input[type="hidden"]')
    .each((_i, input) => {
      const name = $(input).attr('name');
      if (name && name !== '_submission') hidden[name] = $(input).attr('value') ?? '';
    });
  hidden._csrf ??= $('input[name="_csrf"]').first().attr('value') ?? '';
  if (!hidden._csrf) throw new Error(`no CSRF token on ${formPath} (status ${res.status})`);
  return agent
    .post(action)
    .type('form')
    .send({ ...hidden, ...fields });
}

export const validRegistration = (n: number | string, extra: Record<string, string> = {}) => ({
  fullName: 'Μαρία Παπαδάκη',
  username: `maria.${n}`,
  email: `maria.${n}@example.gr`,
  phone: `69${String(10_000_000 + Number(String(n).replace(/\D/g, '') || 0)).slice(-8)}`,
  password: 'ελιές και θάλασσα 2026',
  passwordConfirm: 'ελιές και θάλασσα 2026',
  privacy: 'yes',
  ...extra,
});

/**
 * Takes every queued mail off the queue (as the worker would) and returns it; first handles the
 * queued resend and reset requests (account-mail-requests.ts), as the worker would too.
 */
export async function drainMail(deps: Deps): Promise<OutgoingMail[]> {
  await runQueuedAccountMailRequests(deps);
  const sent: OutgoingMail[] = [];
  for (;;) {
    const jobs = await deps.boss.fetch<OutgoingMail>(MAIL_QUEUE, { batchSize: 20 });
    if (!jobs.length) return sent;
    for (const job of jobs) {
      sent.push(job.data);
      await deps.boss.complete(MAIL_QUEUE, job.id);
    }
  }
}

export function linkIn(mail: OutgoingMail, path: string): string {
  const match = new RegExp(`https?://[^\\s"<]+${path}/[A-Za-z0-9_-]+`).exec(mail.text);
  if (!match) throw new Error(`no ${path} link in: ${mail.text}`);
  return new URL(match[0]).pathname;
}

/** An active citizen straight in the database (for tests that are not about registration). */
export async function createActiveUser(
  db: Db,
  n: string,
  extra: Record<string, unknown> = {},
): Promise<{ id: number; username: string; password: string }> {
  const password = 'κρητικό φως και αέρας';
  const [row] = (await db('users')
    .insert({
      username: `user.${n}`,
      full_name: `Πολίτης ${n}`,
      email: `user.${n}@example.gr`,
      phone_e164: null,
      password_hash: await hashSecret(password),
      status: 'active',
      activated_at: new Date(),
      ...extra,
    })
    .returning('id')) as { id: number }[];
  return { id: row!.id, username: `user.${n}`, password };
}

export async function signIn(agent: Agent, login: string, password: string) {
  return postForm(agent, '/login', '/login', { login, password });
}
