import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';
import { RATE_LIMITS } from '../../src/lib/rate-limit.ts';
import {
  createActiveUser,
  drainMail,
  linkIn,
  newAgent,
  postForm,
  signIn,
  validRegistration,
} from '../helpers/accounts.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const register = (fields: Record<string, string>, lang = 'el') => {
  const agent = newAgent(ctx.app);
  return postForm(agent, `/register?lang=${lang}`, '/register', fields).then((res) => ({
    res,
    agent,
    $: cheerio.load(res.text),
  }));
};

describe('registration', () => {
  it('creates a pending account and emails the username, a PIN and a link, never the password', async () => {
    const { res } = await register(validRegistration(1));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/register/check-email');
    const user = (await ctx.db('users').where({ username: 'maria.1' }).first()) as Record<
      string,
      unknown
    >;
    expect(user.status).toBe('pending');
    expect(user.phone_e164).toBe('+306910000001');
    expect(String(user.password_hash)).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(String(user.ivr_pin_hash)).toMatch(/^\$argon2id\$/);
    const [mail, ...others] = await drainMail(ctx.deps);
    expect(others).toEqual([]);
    expect(mail!.to).toBe('maria.1@example.gr');
    expect(mail!.subject).toContain('Ενεργοποίηση');
    expect(mail!.text).toContain('maria.1');
    expect(mail!.text).toMatch(/PIN[^:]*: \d{6}/);
    expect(mail!.html).toContain('maria.1');
    expect(mail!.text).not.toContain('ελιές και θάλασσα 2026');
    expect(mail!.html).not.toContain('ελιές και θάλασσα 2026');
    // The token and the PIN are stored only as hashes.
    const token = linkIn(mail!, '/activate').split('/').pop()!;
    const tokens = (await ctx
      .db('one_time_links')
      .where({ user_id: user.id, purpose: 'activation' })
      .select('token_hash')) as { token_hash: string }[];
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.token_hash).not.toContain(token);
    const audit: unknown = await ctx
      .db('audit_log')
      .where({ user_id: user.id, action: 'account.registered' })
      .first();
    expect(audit).toBeTruthy();
    const pin = /PIN[^:]*: (\d{6})/.exec(mail!.text)![1]!;
    expect(JSON.stringify(audit)).not.toContain(pin);
    expect(JSON.stringify(audit)).not.toContain('ελιές');
  });

  it('writes the email in the language of the page', async () => {
    await register(validRegistration(2), 'en');
    const [mail] = await drainMail(ctx.deps);
    expect(mail!.subject).toContain('Activate your account');
    expect(mail!.text).toContain('we never send your password by email');
  });

  it('accepts Greek numbers with or without the country code and stores them in E.164', async () => {
    await register(validRegistration(3, { phone: '+30 691 234 5678' }));
    await register(validRegistration(4, { phone: '2841012345' }));
    const phones = (await ctx
      .db('users')
      .whereIn('username', ['maria.3', 'maria.4'])
      .orderBy('username')
      .pluck('phone_e164')) as string[];
    expect(phones).toEqual(['+306912345678', '+302841012345']);
    await drainMail(ctx.deps);
  });

  const cases: [string, Record<string, string>, string, string][] = [
    ['an empty name', { fullName: '' }, 'fullName', 'Γράψτε το ονοματεπώνυμό σας'],
    ['a username with spaces', { username: 'μαρία π' }, 'username', '3 έως 32 λατινικούς'],
    ['a short username', { username: 'ab' }, 'username', '3 έως 32'],
    ['a bad email', { email: 'maria-at-example' }, 'email', 'σωστή μορφή'],
    ['a bad phone', { phone: '12345' }, 'phone', 'έγκυρο αριθμό'],
    [
      'a short password',
      { password: 'short1', passwordConfirm: 'short1' },
      'password',
      'τουλάχιστον 10',
    ],
    [
      'a common password',
      { password: 'password123', passwordConfirm: 'password123' },
      'password',
      'συνηθισμένους',
    ],
    [
      'the username as password',
      {
        username: 'maria.long.name',
        password: 'maria.long.name',
        passwordConfirm: 'maria.long.name',
      },
      'password',
      'όνομα χρήστη',
    ],
    [
      'passwords that differ',
      { passwordConfirm: 'κάτι άλλο εντελώς' },
      'passwordConfirm',
      'δεν είναι ίδιοι',
    ],
    ['no privacy acceptance', { privacy: '' }, 'privacy', 'πολιτική απορρήτου'],
  ];
  it.each(cases)(
    'refuses %s with a message at the field, keeping what was typed',
    async (_name, change, field, message) => {
      const { res, $ } = await register(validRegistration(50, change));
      expect(res.status).toBe(400);
      expect($(`#${field}-error`).text()).toContain(message);
      expect($(`.govuk-error-summary a[href="#${field}"]`).length).toBe(1);
      if (field !== 'fullName') expect($('#fullName').attr('value')).toBe('Μαρία Παπαδάκη');
      expect($('#password').attr('value')).toBe('');
      expect(await ctx.db('users').where({ username: 'maria.50' }).first()).toBeUndefined();
    },
  );

  it('reports a weak or unconfirmed password together with the other fields, not after them', async () => {
    const short = await register(
      validRegistration(52, { email: 'nope', password: 'short', passwordConfirm: 'short' }),
    );
    expect(short.res.status).toBe(400);
    expect(short.$('#email-error').text().length).toBeGreaterThan(0);
    expect(short.$('#password-error').text().length).toBeGreaterThan(0);
    const differ = await register(
      validRegistration(53, { phone: '12', passwordConfirm: 'something else entirely' }),
    );
    expect(differ.$('#phone-error').text().length).toBeGreaterThan(0);
    expect(differ.$('#passwordConfirm-error').text()).toContain('δεν είναι ίδιοι');
    // The summary lists the problems in the order of the fields.
    expect(
      differ
        .$('.govuk-error-summary a')
        .map((_i, a) => differ.$(a).attr('href'))
        .get(),
    ).toEqual(['#phone', '#passwordConfirm']);
  });

  it('says when the per-connection registration limit is reached, for the form and not one field', async () => {
    const agent = newAgent(ctx.app);
    let res;
    for (let i = 0; i <= RATE_LIMITS.registerPerIp.limit; i += 1)
      res = await postForm(agent, '/register', '/register', validRegistration(`l${i}`));
    expect(res!.status).toBe(429);
    const $ = cheerio.load(res!.text);
    expect($('.govuk-error-summary a').attr('href')).toBe('#register-form');
    expect($('.govuk-error-message').length).toBe(0);
    expect($('.govuk-error-summary').text()).toContain('μία ώρα');
    expect($('#fullName').attr('value')).toBe('Μαρία Παπαδάκη');
  });

  it('answers in English on the English page', async () => {
    const { $ } = await register(validRegistration(51, { email: 'nope' }), 'en');
    expect($('#email-error').text()).toContain('Enter an email address in the correct format');
  });

  it('refuses a username already taken, ignoring case; an email taken gets the usual answer and its owner a notice', async () => {
    await register(validRegistration(5));
    await drainMail(ctx.deps);
    const name = await register(validRegistration(6, { username: 'MARIA.5' }));
    expect(name.$('#username-error').text()).toContain('χρησιμοποιείται ήδη');
    // The form does not say whether an address has an account (see security-enumeration.test.ts).
    const email = await register(validRegistration(7, { email: 'Maria.5@EXAMPLE.gr' }));
    expect(email.res.status).toBe(303);
    expect(await ctx.db('users').where({ username: 'maria.7' }).first()).toBeUndefined();
    expect((await drainMail(ctx.deps)).map((m) => m.to)).toEqual(['maria.5@example.gr']);
  });

  it("does not let a second account take an active account's phone", async () => {
    await register(validRegistration(8));
    const [mail] = await drainMail(ctx.deps);
    const agent = newAgent(ctx.app);
    const path = linkIn(mail!, '/activate');
    await postForm(agent, path, path, {});
    const second = await register(validRegistration(9, { phone: '+30 691 000 0008' }));
    expect(second.res.status).toBe(400);
    expect(second.$('#phone-error').text()).toContain('άλλον ενεργό λογαριασμό');
  });

  it('lets only one of two pending accounts with the same phone become active', async () => {
    await register(validRegistration(10));
    await register(validRegistration(11, { phone: '6910000010' }));
    const mails = await drainMail(ctx.deps);
    const linkFor = (to: string) =>
      linkIn(
        mails.find((m) => m.to === to)!,
        '/activate',
      );
    const [first, second] = [linkFor('maria.10@example.gr'), linkFor('maria.11@example.gr')];
    const a = newAgent(ctx.app);
    expect((await postForm(a, first!, first!, {})).status).toBe(303);
    const b = newAgent(ctx.app);
    const res = await postForm(b, second!, second!, {});
    expect(res.status).toBe(409);
    expect(cheerio.load(res.text)('main').text()).toContain('άλλον ενεργό λογαριασμό');
    expect(
      (await ctx.db('users').where({ username: 'maria.11' }).first('status')) as { status: string },
    ).toEqual({ status: 'pending' });
  });
});

describe('the words on the pages', () => {
  it('says "Όνομα χρήστη", never "συνθηματικό", on the register and login pages and in the activation email', async () => {
    const registerPage = cheerio.load((await newAgent(ctx.app).get('/register')).text);
    expect(registerPage('label[for="username"]').text().trim()).toBe('Όνομα χρήστη');
    const loginPage = cheerio.load((await newAgent(ctx.app).get('/login')).text);
    expect(loginPage('label[for="login"]').text().trim()).toBe('Όνομα χρήστη ή email');
    await register(validRegistration(60));
    const [mail] = await drainMail(ctx.deps);
    expect(mail!.text).toContain('Όνομα χρήστη: maria.60');
    expect(cheerio.load(mail!.html)('th').first().text()).toBe('Όνομα χρήστη');
    for (const text of [registerPage.html(), loginPage.html(), mail!.text, mail!.html])
      expect(text).not.toMatch(/συνθηματικ/i);
  });

  it('promises on the hub and the register page only the services that are mounted', async () => {
    const mounted = [
      '/decisions',
      '/benefits',
      '/health',
      '/requests',
      '/fines',
      '/dues',
      '/certificates',
      '/kep',
      '/polls',
    ];
    for (const lang of ['el', 'en']) {
      const anonymous = newAgent(ctx.app);
      const hub = cheerio.load((await anonymous.get(`/?lang=${lang}`)).text);
      const cards = hub('.app-service-card h3 a')
        .map((_i, a) => hub(a).attr('href'))
        .get();
      expect(cards).toEqual(mounted);
      const registerPage = cheerio.load((await anonymous.get('/register')).text);
      // It lists what an account opens: the requests, and nothing still to come.
      expect(
        registerPage('main .govuk-list--bullet li')
          .map((_i, li) => registerPage(li).text())
          .get(),
      ).toEqual(
        lang === 'el'
          ? [
              'Αιτήματα και καταγγελίες',
              'Πρόστιμα ΚΟΚ',
              'Δημοτικά τέλη και οφειλές (χρειάζεται και ταυτοπροσωπία στο γραφείο του Δήμου)',
              'Πιστοποιητικά (χρειάζεται και ταυτοπροσωπία στο γραφείο του Δήμου)',
              'Ψηφοφορίες',
            ]
          : [
              'Requests and complaints',
              'Traffic fines (ΚΟΚ)',
              'Municipal dues (also needs an identity check at the municipal office)',
              'Certificates (also needs an identity check at the municipal office)',
              'Polls',
            ],
      );
    }
    // Public services answer anyone; the requests ask for sign-in first.
    for (const href of mounted.slice(0, 3))
      expect((await newAgent(ctx.app).get(href)).status).toBe(200);
    expect((await newAgent(ctx.app).get('/requests')).status).toBe(303);

    const user = await createActiveUser(ctx.db, 'w1');
    const citizen = newAgent(ctx.app);
    await signIn(citizen, user.username, user.password);
    const signedInHub = cheerio.load((await citizen.get('/')).text);
    expect(signedInHub('.app-service-card').length).toBe(mounted.length);
    const account = cheerio.load((await citizen.get('/account')).text);
    // The account page names the mounted services the in-person identity check opens, and how
    // the check is done.
    expect(account('#identity-check').text()).toContain(
      'Μόλις ελεγχθεί, ανοίγουν για εσάς οι υπηρεσίες: Δημοτικά τέλη και οφειλές, Πιστοποιητικά.',
    );
  });
});

describe('activation', () => {
  it('shows a confirm button on GET (mail scanners cannot activate) and activates on POST, once', async () => {
    await register(validRegistration(20));
    const [mail] = await drainMail(ctx.deps);
    const path = linkIn(mail!, '/activate');
    const agent = newAgent(ctx.app);
    const page = await agent.get(path);
    expect(page.status).toBe(200);
    expect(cheerio.load(page.text)(`form[action="${path}"] button`).length).toBe(1);
    expect(
      (
        (await ctx.db('users').where({ username: 'maria.20' }).first('status')) as {
          status: string;
        }
      ).status,
    ).toBe('pending');
    const res = await postForm(agent, path, path, {});
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    expect(
      (
        (await ctx.db('users').where({ username: 'maria.20' }).first('status')) as {
          status: string;
        }
      ).status,
    ).toBe('active');
    const again = await agent.get(path);
    expect(again.status).toBe(410);
    expect(cheerio.load(again.text)('a[href="/activate/resend"]').length).toBe(1);
  });

  it('refuses an expired link and offers a new email, which is rate-limited', async () => {
    await register(validRegistration(21));
    const [mail] = await drainMail(ctx.deps);
    await ctx.db('one_time_links').update({ expires_at: new Date(Date.now() - 1000) });
    const agent = newAgent(ctx.app);
    const res = await agent.get(linkIn(mail!, '/activate'));
    expect(res.status).toBe(410);
    expect(cheerio.load(res.text)('main').text()).toContain('έχει λήξει');

    const resend = await postForm(agent, '/activate/resend', '/activate/resend', {
      email: 'maria.21@example.gr',
    });
    expect(resend.status).toBe(303);
    expect(resend.headers.location).toBe('/activate/resend/sent');
    const sent = cheerio.load((await agent.get('/activate/resend/sent')).text);
    expect(sent('main').text()).toContain('στείλαμε νέο email');
    const [fresh] = await drainMail(ctx.deps);
    const freshPath = linkIn(fresh!, '/activate');
    expect((await agent.get(freshPath)).status).toBe(200);
    // An unknown address gets the same answer and no mail.
    const unknown = await postForm(agent, '/activate/resend', '/activate/resend', {
      email: 'nobody@example.gr',
    });
    expect(unknown.status).toBe(303);
    expect(unknown.headers.location).toBe(resend.headers.location);
    // Per account: 3 an hour; the fourth sends nothing, with the same answer.
    for (let i = 0; i < 3; i += 1)
      await postForm(agent, '/activate/resend', '/activate/resend', {
        email: 'maria.21@example.gr',
      });
    expect(await drainMail(ctx.deps)).toHaveLength(2);
  });

  it('gives a clear page for a made-up link', async () => {
    const res = await newAgent(ctx.app).get('/activate/not-a-real-token-at-all-xxxxxxxx');
    expect(res.status).toBe(410);
    expect(cheerio.load(res.text)('h1').text()).toBe('Ο σύνδεσμος δεν ισχύει');
  });
});
