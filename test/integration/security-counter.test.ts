import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Agent,
  createActiveUser,
  drainMail,
  formTokens,
  newAgent,
  postForm,
  validRegistration,
} from '../helpers/accounts.ts';
import { afmFrom, signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

/**
 * A clerk corrects a citizen's email or phone only with the identity document seen at the
 * counter now; for a verified citizen it must be the document of the check on file. The old
 * address is told, so a takeover does not go unnoticed.
 */
let ctx: TestContext;
let clerk: Agent;
let clerkId: number;
beforeAll(async () => {
  ctx = await createTestContext();
  ({ agent: clerk, id: clerkId } = await signedInStaff(ctx.app, ctx.db, ['clerk']));
});
afterAll(() => ctx.close());

const post = async (id: number, action: string, fields: Record<string, string>) => {
  const page = `/staff/citizens/${id}`;
  const tokens = await formTokens(clerk, page, `${page}/${action}`);
  return clerk
    .post(`${page}/${action}`)
    .type('form')
    .send({ ...fields, ...tokens });
};

const contactOf = async (id: number) =>
  (await ctx.db('users').where({ id }).first('email', 'phone_e164')) as {
    email: string;
    phone_e164: string | null;
  };

const corrections = async (userId: number) =>
  (await ctx
    .db('audit_log')
    .where({ user_id: userId })
    .whereIn('action', ['citizen.email_corrected', 'citizen.phone_corrected'])
    .select('action', 'actor_id', 'details')) as {
    action: string;
    actor_id: number;
    details: Record<string, unknown>;
  }[];

describe('correcting contact details at the counter', () => {
  it('refuses without the document checked now: a field error, nothing changes, nobody mailed', async () => {
    await postForm(newAgent(ctx.app), '/register', '/register', validRegistration(801));
    const pending = (await ctx.db('users').where({ username: 'maria.801' }).first('id')) as {
      id: number;
    };
    await drainMail(ctx.deps);
    const res = await post(pending.id, 'contact', { email: 'attacker@example.com', phone: '' });
    expect(res.status).toBe(400);
    const $ = cheerio.load(res.text);
    expect($('#contactDocumentType-error').text()).toMatch(/έγγραφο/);
    expect($('#contactDocumentNumber-error').text()).toMatch(/αριθμό/);
    expect($('.govuk-error-summary a[href="#contactDocumentType"]').length).toBe(1);
    // The typed values stay in the form.
    expect($('input[name="email"]').attr('value')).toBe('attacker@example.com');
    expect((await contactOf(pending.id)).email).toBe('maria.801@example.gr');
    expect(await corrections(pending.id)).toEqual([]);
    expect(await drainMail(ctx.deps)).toEqual([]);

    const badNumber = await post(pending.id, 'contact', {
      email: 'attacker@example.com',
      phone: '',
      contactDocumentType: 'passport',
      contactDocumentNumber: '1',
    });
    expect(badNumber.status).toBe(400);
    expect(cheerio.load(badNumber.text)('#contactDocumentNumber-error').length).toBe(1);
    expect((await contactOf(pending.id)).email).toBe('maria.801@example.gr');
  });

  it('for a verified citizen, refuses a document other than the one of the check on file', async () => {
    const citizen = await createActiveUser(ctx.db, 'counter.v1');
    const verified = await post(citizen.id, 'verify', {
      documentType: 'identity_card',
      documentNumber: 'ΑΚ123456',
      afm: afmFrom('55566677'),
      present: 'yes',
    });
    expect(verified.status).toBe(303);
    await drainMail(ctx.deps);

    for (const [type, number] of [
      ['identity_card', 'ΑΚ999956'], // same mask (ΑΚ••••56), another number
      ['identity_card', 'ΑΚ12345'],
      ['passport', 'ΑΚ123456'], // the number, but not the document type on file
    ] as const) {
      const res = await post(citizen.id, 'contact', {
        email: 'someone.else@example.com',
        phone: '',
        contactDocumentType: type,
        contactDocumentNumber: number,
      });
      expect(res.status, `${type} ${number}`).toBe(400);
      const $ = cheerio.load(res.text);
      expect($('#contactDocumentNumber-error').text()).toMatch(/δεν ταιριάζει/);
    }
    expect((await contactOf(citizen.id)).email).toBe('user.counter.v1@example.gr');
    expect(await corrections(citizen.id)).toEqual([]);
    expect(await drainMail(ctx.deps)).toEqual([]);
  });

  it('with the document on file (written either way): changed, audited with the document, the old address told', async () => {
    const citizen = await createActiveUser(ctx.db, 'counter.v2', { lang: 'en' });
    await post(citizen.id, 'verify', {
      documentType: 'identity_card',
      documentNumber: 'ΑΚ 123457',
      afm: afmFrom('55566688'),
      present: 'yes',
    });
    await drainMail(ctx.deps);

    const res = await post(citizen.id, 'contact', {
      email: 'new.address@example.gr',
      phone: '6977000802',
      contactDocumentType: 'identity_card',
      // Latin look-alikes, lower case and spaces: the same document.
      contactDocumentNumber: ' ak 1234 57 ',
    });
    expect(res.status).toBe(303);
    expect(await contactOf(citizen.id)).toEqual({
      email: 'new.address@example.gr',
      phone_e164: '+306977000802',
    });
    const audit = await corrections(citizen.id);
    expect(audit.map((row) => row.action).sort()).toEqual([
      'citizen.email_corrected',
      'citizen.phone_corrected',
    ]);
    for (const row of audit) {
      expect(row.actor_id).toBe(clerkId);
      expect(row.details).toMatchObject({
        documentType: 'identity_card',
        documentNumber: 'AK••••57',
        documentMatchesCheck: true,
      });
      expect(JSON.stringify(row.details)).not.toContain('123457');
    }
    const mails = await drainMail(ctx.deps);
    const toOld = mails.filter((mail) => mail.to === 'user.counter.v2@example.gr');
    expect(toOld).toHaveLength(1);
    expect(toOld[0]!.text).toMatch(/changed at the municipality's counter/);
    expect(toOld[0]!.text).toMatch(/If you did not ask for this/);
    expect(toOld[0]!.html).toMatch(/changed at the municipality&#39;s counter/);
  });

  it('for an unverified citizen, with a document: changed, audited with it, the old address told', async () => {
    await postForm(newAgent(ctx.app), '/register', '/register', validRegistration(802));
    const pending = (await ctx.db('users').where({ username: 'maria.802' }).first('id')) as {
      id: number;
    };
    await drainMail(ctx.deps);
    const res = await post(pending.id, 'contact', {
      email: 'maria.corrected@example.gr',
      phone: '',
      contactDocumentType: 'passport',
      contactDocumentNumber: 'p1234567',
    });
    expect(res.status).toBe(303);
    expect((await contactOf(pending.id)).email).toBe('maria.corrected@example.gr');
    const [audit] = await corrections(pending.id);
    expect(audit?.details).toMatchObject({
      from: 'maria.802@example.gr',
      to: 'maria.corrected@example.gr',
      documentType: 'passport',
      documentNumber: 'P1••••67',
    });
    const mails = await drainMail(ctx.deps);
    const toOld = mails.find((mail) => mail.to === 'maria.802@example.gr');
    expect(toOld?.text).toMatch(/στο γκισέ του Δήμου/);
  });
});
