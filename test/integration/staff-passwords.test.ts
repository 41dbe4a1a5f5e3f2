import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  drainMail,
  linkIn,
  newAgent,
  postForm,
  validRegistration,
  type Agent,
} from '../helpers/accounts.ts';
import { signedInStaff, STAFF_PASSWORD } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';
import { MIN_STAFF_PASSWORD_LENGTH, passwordProblem } from '../../src/lib/passwords.ts';

// `admin-admin-admin` was accepted as an administrator's password. A password that is one piece
// repeated, or that contains the username, is refused, for staff and citizens alike.

describe('passwordProblem', () => {
  it('refuses one word or sequence said again and again, whatever the case or separators', () => {
    for (const password of [
      'admin-admin-admin',
      'Admin Admin Admin',
      'abcdeabcdeabcde',
      'θάλασσα.θάλασσα',
      'Summer2026summer2026',
    ])
      expect(passwordProblem(password, 'katerina', MIN_STAFF_PASSWORD_LENGTH), password).toBe(
        'repeated',
      );
  });

  it('refuses a password that contains the username, ignoring case', () => {
    expect(passwordProblem('my name is Katerina.Editor!', 'katerina.editor')).toBe(
      'containsUsername',
    );
    expect(passwordProblem('admin-admin-admin', 'admin', MIN_STAFF_PASSWORD_LENGTH)).toBe(
      'containsUsername',
    );
  });

  it('accepts long passwords that neither repeat nor contain the username', () => {
    expect(passwordProblem(STAFF_PASSWORD, 'katerina.editor', MIN_STAFF_PASSWORD_LENGTH)).toBe(
      undefined,
    );
    expect(passwordProblem('ελιές και θάλασσα 2026', 'maria.1')).toBe(undefined);
    expect(passwordProblem('correct horse battery staple', 'maria.1')).toBe(undefined);
  });
});

let ctx: TestContext;
let admin: Agent;
beforeAll(async () => {
  ctx = await createTestContext();
  admin = (await signedInStaff(ctx.app, ctx.db, ['admin'])).agent;
});
afterAll(() => ctx.close());

async function inviteLink(username: string): Promise<string> {
  const res = await postForm(admin, '/staff/users/new', '/staff/users/new', {
    fullName: 'Νέος Διαχειριστής',
    username,
    email: `${username}@example.gov.gr`,
    roles: 'admin',
  });
  expect(res.status).toBe(303);
  const [mail] = await drainMail(ctx.deps);
  return linkIn(mail!, '/invite');
}

describe('a new administrator sets a password', () => {
  it('is refused admin-admin-admin and a password with the username, in Greek and in English', async () => {
    const path = await inviteLink('nikos.admin');
    const agent = newAgent(ctx.app);
    const set = (password: string, lang: string) =>
      postForm(agent, `${path}?lang=${lang}`, path, { password, passwordConfirm: password });

    const repeated = await set('admin-admin-admin', 'el');
    expect(repeated.status).toBe(400);
    expect(cheerio.load(repeated.text)('#password-error').text()).toContain(
      'ίδια λέξη ή οι ίδιοι χαρακτήρες',
    );
    const repeatedEn = await set('admin-admin-admin', 'en');
    expect(cheerio.load(repeatedEn.text)('#password-error').text()).toContain(
      'the same word or characters over and over',
    );
    const withName = await set('I am NIKOS.ADMIN of the town', 'el');
    expect(cheerio.load(withName.text)('#password-error').text()).toContain(
      'δεν μπορεί να περιέχει το όνομα χρήστη',
    );
    const withNameEn = await set('I am NIKOS.ADMIN of the town', 'en');
    expect(cheerio.load(withNameEn.text)('#password-error').text()).toContain(
      'cannot contain your username',
    );
    const accepted = await set(STAFF_PASSWORD, 'el');
    expect(accepted.status).toBe(303);
  });
});

describe('a citizen registers', () => {
  it('is refused a repeated password and one with the username, at the password field', async () => {
    const register = (fields: Record<string, string>) =>
      postForm(newAgent(ctx.app), '/register?lang=el', '/register', fields);
    const repeated = await register(
      validRegistration(901, { password: 'θάλασσα-θάλασσα', passwordConfirm: 'θάλασσα-θάλασσα' }),
    );
    expect(repeated.status).toBe(400);
    expect(cheerio.load(repeated.text)('#password-error').text()).toContain('ίδια λέξη');
    const withName = await register(
      validRegistration(902, {
        password: 'η maria.902 στη θάλασσα',
        passwordConfirm: 'η maria.902 στη θάλασσα',
      }),
    );
    expect(withName.status).toBe(400);
    expect(cheerio.load(withName.text)('#password-error').text()).toContain('όνομα χρήστη');
    expect(
      await ctx.db('users').whereIn('username', ['maria.901', 'maria.902']).first(),
    ).toBeUndefined();
  });
});
