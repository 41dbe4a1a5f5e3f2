import * as cheerio from 'cheerio';
import { Router, type Request, type Response } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feature } from '../../src/features/hub/hub-entry.ts';
import { requireVerifiedCitizen } from '../../src/middleware/auth.ts';
import {
  type Agent,
  createActiveUser,
  csrfFrom,
  drainMail,
  linkIn,
  newAgent,
  postForm,
  signIn,
  validRegistration,
} from '../helpers/accounts.ts';
import { afmFrom, signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const verifiedOnly: Feature = {
  router: Router().get('/tax-test', requireVerifiedCitizen, (_req: Request, res: Response) => {
    res.send('tax content');
  }),
};

let ctx: TestContext;
let clerk: Agent;
let clerkId: number;
beforeAll(async () => {
  ctx = await createTestContext({}, { extraFeatures: [verifiedOnly] });
  ({ agent: clerk, id: clerkId } = await signedInStaff(ctx.app, ctx.db, ['clerk']));
});
afterAll(() => ctx.close());

const csrf = csrfFrom;
const post = async (path: string, fields: Record<string, string>, page: string) =>
  clerk
    .post(path)
    .type('form')
    .send({ ...fields, _csrf: await csrf(clerk, page) });

describe('the clerk finds a citizen', () => {
  it('by part of the name without accents or case, username, email or phone', async () => {
    await createActiveUser(ctx.db, 'find1', {
      full_name: 'Ελένη Παπαδοπούλου',
      phone_e164: '+306944123456',
    });
    await createActiveUser(ctx.db, 'find2', { full_name: 'Γιώργος Μανωλάκης' });
    const names = async (q: string) =>
      cheerio
        .load((await clerk.get(`/staff/citizens?q=${encodeURIComponent(q)}`)).text)(
          'tbody tr td:first-child',
        )
        .map((_i, el) => cheerio.load(el).text())
        .get();
    expect(await names('ελενη παπαδο')).toEqual(['Ελένη Παπαδοπούλου']);
    expect(await names('ΜΑΝΩΛΑΚΗΣ')).toEqual(['Γιώργος Μανωλάκης']);
    expect(await names('user.find2')).toEqual(['Γιώργος Μανωλάκης']);
    expect(await names('6944 123')).toEqual(['Ελένη Παπαδοπούλου']);
    expect(await names('staff.')).toEqual([]);
  });
});

describe('the in-person identity check', () => {
  it('verifies with a valid AFM, masks the document number, opens verified services at once and emails the citizen', async () => {
    const citizen = await createActiveUser(ctx.db, 'v1');
    const agent = newAgent(ctx.app);
    await signIn(agent, citizen.username, citizen.password);
    expect((await agent.get('/tax-test')).status).toBe(403);

    const page = `/staff/citizens/${citizen.id}`;
    const bad = await post(
      `${page}/verify`,
      {
        documentType: 'identity_card',
        documentNumber: 'ΑΚ123456',
        afm: '123456789',
        present: 'yes',
      },
      page,
    );
    expect(bad.status).toBe(400);
    expect(cheerio.load(bad.text)('#afm-error').text()).toContain('δεν είναι έγκυρος');
    const absent = await post(
      `${page}/verify`,
      { documentType: 'identity_card', documentNumber: 'ΑΚ123456', afm: afmFrom('04567890') },
      page,
    );
    expect(cheerio.load(absent.text)('#present-error').length).toBe(1);

    const ok = await post(
      `${page}/verify`,
      {
        documentType: 'identity_card',
        documentNumber: 'ΑΚ123456',
        afm: afmFrom('04567890'),
        present: 'yes',
      },
      page,
    );
    expect(ok.status).toBe(303);
    const record = cheerio.load((await clerk.get(page)).text);
    // The confirmation says only what exists: the dues and certificates, nothing still to come.
    const notice = record('.govuk-notification-banner').text();
    expect(notice).toContain('Η ταυτοπροσωπία καταχωρίστηκε');
    expect(notice).toContain(
      'Ανοίγουν τώρα για τον πολίτη: Δημοτικά τέλη και οφειλές, Πιστοποιητικά.',
    );
    expect(notice).not.toMatch(/Δημοτικός Φόρος|βιντεοκλήση/);
    expect(record('.app-document-number').text()).toBe('ΑΚ••••56');
    expect(record('main').text()).not.toContain('ΑΚ123456');
    expect(JSON.stringify(await ctx.db('identity_checks').select())).not.toContain('ΑΚ123456');
    await expect
      .poll(async () => (await agent.get('/tax-test')).text, { timeout: 2000 })
      .toBe('tax content');
    const [mail] = await drainMail(ctx.deps);
    expect(mail!.to).toBe('user.v1@example.gr');
    expect(mail!.text).toContain('επιβεβαίωσε την ταυτότητά σας');
    expect(mail!.text).not.toMatch(/Δημοτικός Φόρος|Πιστοποιητικά/);
    const audit = (await ctx
      .db('audit_log')
      .where({ action: 'identity.verified', user_id: citizen.id })
      .first()) as { actor_id: number };
    expect(audit.actor_id).toBe(clerkId);
  });

  it('keeps an AFM to one verified citizen', async () => {
    const other = await createActiveUser(ctx.db, 'v2');
    const page = `/staff/citizens/${other.id}`;
    const res = await post(
      `${page}/verify`,
      {
        documentType: 'passport',
        documentNumber: 'P1234567',
        afm: afmFrom('04567890'),
        present: 'yes',
      },
      page,
    );
    expect(res.status).toBe(400);
    expect(cheerio.load(res.text)('#afm-error').text()).toContain('άλλον πολίτη');
  });

  it('revokes with a reason: the services lock again and the citizen is told', async () => {
    const citizen = await createActiveUser(ctx.db, 'v3');
    const page = `/staff/citizens/${citizen.id}`;
    await post(
      `${page}/verify`,
      {
        documentType: 'passport',
        documentNumber: 'P7654321',
        afm: afmFrom('11122233'),
        present: 'yes',
      },
      page,
    );
    const agent = newAgent(ctx.app);
    await signIn(agent, citizen.username, citizen.password);
    await expect
      .poll(async () => (await agent.get('/tax-test')).status, { timeout: 2000 })
      .toBe(200);
    const noReason = await post(`${page}/revoke`, { reason: '' }, page);
    expect(cheerio.load(noReason.text)('#reason-error').length).toBe(1);
    expect((await post(`${page}/revoke`, { reason: 'Λάθος πρόσωπο στο γκισέ' }, page)).status).toBe(
      303,
    );
    await expect
      .poll(async () => (await agent.get('/tax-test')).status, { timeout: 2000 })
      .toBe(403);
    const mails = await drainMail(ctx.deps);
    const notice = mails.find((m) => m.text.includes('ανακλήθηκε'));
    expect(notice?.text).toContain('Λάθος πρόσωπο στο γκισέ');
    expect(
      await ctx
        .db('audit_log')
        .where({ action: 'identity.revoked', user_id: citizen.id, actor_id: clerkId })
        .first(),
    ).toBeTruthy();
  });

  it('resends activation and corrects phone and email, each audited', async () => {
    await postForm(newAgent(ctx.app), '/register', '/register', validRegistration(701));
    await drainMail(ctx.deps);
    const pending = (await ctx.db('users').where({ username: 'maria.701' }).first('id')) as {
      id: number;
    };
    const page = `/staff/citizens/${pending.id}`;
    expect((await post(`${page}/resend-activation`, {}, page)).status).toBe(303);
    const [mail] = await drainMail(ctx.deps);
    expect(linkIn(mail!, '/activate')).toMatch(/^\/activate\//);
    const bad = await post(`${page}/contact`, { phone: '123', email: '' }, page);
    expect(cheerio.load(bad.text)('#phone-error').length).toBe(1);
    expect(
      (
        await post(
          `${page}/contact`,
          {
            phone: '6977000701',
            email: 'maria.new@example.gr',
            contactDocumentType: 'identity_card',
            contactDocumentNumber: 'ΑΒ123701',
          },
          page,
        )
      ).status,
    ).toBe(303);
    const row = (await ctx.db('users').where({ id: pending.id }).first('phone_e164', 'email')) as {
      phone_e164: string;
      email: string;
    };
    expect(row).toEqual({ phone_e164: '+306977000701', email: 'maria.new@example.gr' });
    const actions = (await ctx
      .db('audit_log')
      .where({ user_id: pending.id, actor_id: clerkId })
      .pluck('action')) as string[];
    expect(actions.sort()).toEqual([
      'citizen.activation_resent',
      'citizen.email_corrected',
      'citizen.phone_corrected',
    ]);
  });
});
