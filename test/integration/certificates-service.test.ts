import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRow } from '../../src/features/accounts/users.repository.ts';
import { relationTo } from '../../src/features/certificates/certificates.service.ts';
import { ValidationError } from '../../src/lib/errors.ts';
import { drainMail } from '../helpers/accounts.ts';
import { verifiedFamily, insertRollPerson, insertRollRecord } from '../helpers/certificates.ts';
import { insertDebt } from '../helpers/finance.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

// 15 June 2026, noon in Athens.
const now = new Date('2026-06-15T09:00:00Z');
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => now } });
});
afterAll(() => ctx.close());

const userOf = async (id: number) => (await ctx.db<UserRow>('users').where({ id }).first())!;
const apply = (
  user: UserRow,
  input: Partial<Parameters<TestContext['services']['certificates']['apply']>[0]>,
) =>
  ctx.services.certificates.apply({
    user,
    typeCode: 'registration',
    subject: 'self',
    delivery: 'email',
    channel: 'web',
    ...input,
  });
const fieldsOf = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).errors.map((e) => `${e.field}:${e.key}`);
};

describe('applying for a certificate', () => {
  it('issues an instant certificate at once: numbered, sealed, stored, emailed with the file', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    await drainMail(ctx.deps);
    const result = await apply(await userOf(family.userId), { purpose: 'Για τον ΟΑΕΔ' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.issued).toBe(true);
    expect(result.application.reference).toMatch(/^CRT-2026-\d{6}$/);
    expect(result.application.delivery_state).toBe('emailed');
    const certificate = (await ctx.services.certificates.certificateOf(result.application.id))!;
    expect(certificate.number).toMatch(/^2026\/\d{6}$/);
    expect(certificate.verification_code).toMatch(/^[2-9A-HJ-NP-Z]{12}$/);
    expect(certificate.valid_until).toBe('2026-12-15');
    expect(certificate.fields.fullName).toBe('Γιώργος Μανωλάκης');
    expect(certificate.fields.recordNumber).not.toBe('');
    const events = await ctx
      .db('certificate_events')
      .where({ application_id: result.application.id })
      .orderBy('id')
      .pluck('kind');
    expect(events).toEqual(['submitted', 'issued', 'emailed']);
    const mails = await drainMail(ctx.deps);
    const mail = mails.find((m) => m.to.startsWith('user.cert.'));
    expect(mail?.attachments).toEqual([
      {
        fileName: `${result.application.reference}.pdf`,
        documentKey: certificate.file_key,
        contentType: 'application/pdf',
      },
    ]);
    // The job carries the key, never the file.
    expect(JSON.stringify(mail).length).toBeLessThan(20_000);
  });

  it('gives a clerk-issued type a reference and a deadline in working days, and emails it', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    const result = await apply(await userOf(family.userId), {
      typeCode: 'next_of_kin',
      delivery: 'pickup',
    });
    expect(result.ok && result.issued).toBe(false);
    if (!result.ok) return;
    expect(result.application.status).toBe('submitted');
    // 10 working days from Monday 15 June 2026.
    expect(result.application.deadline).toBe('2026-06-29');
  });

  it('lets a family member be the subject where the type allows it, and no one else', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    const user = await userOf(family.userId);
    const ok = await apply(user, { typeCode: 'family_status', subject: family.spouse.id });
    expect(ok.ok && ok.application.subject_name).toBe('Κατερίνα Κουτάκη');
    expect(
      await fieldsOf(apply(user, { typeCode: 'residence', subject: family.spouse.id })),
    ).toEqual(['subject:certificates.errors.subjectNotAllowed']);
    const other = await insertRollPerson(ctx.db, await insertRollRecord(ctx.db), {
      given_name: 'Άλλος',
    });
    expect(await fieldsOf(apply(user, { typeCode: 'family_status', subject: other.id }))).toEqual([
      'subject:certificates.errors.subjectNotAllowed',
    ]);
    expect(await fieldsOf(apply(user, { typeCode: 'family_status', subject: 99_999_999 }))).toEqual(
      ['subject:certificates.errors.subjectNotAllowed'],
    );
  });

  it('refuses citizens who are not verified, and bad input field by field, storing nothing', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    const user = await userOf(family.userId);
    await expect(
      apply({ ...user, identity_verified_at: null, identity_channel: null }, {}),
    ).rejects.toThrow('certificates.errors.notVerified');
    const before = await ctx.db('certificate_applications').count({ n: '*' }).first();
    expect(
      await fieldsOf(apply(user, { delivery: 'post', postAddress: ' ', purpose: 'x'.repeat(201) })),
    ).toEqual([
      'purpose:certificates.errors.purposeTooLong',
      'postAddress:certificates.errors.postAddressRequired',
    ]);
    expect(await fieldsOf(apply(user, { delivery: 'fax' }))).toEqual([
      'delivery:certificates.errors.deliveryRequired',
    ]);
    expect(await fieldsOf(apply(user, { typeCode: 'nope' }))).toEqual([
      'type:certificates.errors.typeRequired',
    ]);
    await ctx.db('certificate_types').where({ code: 'residence' }).update({ fee_cents: 500 });
    expect(await fieldsOf(apply(user, { typeCode: 'residence' }))).toEqual([
      'type:certificates.errors.feeNotOnline',
    ]);
    await ctx.db('certificate_types').where({ code: 'residence' }).update({ fee_cents: 0 });
    expect(await fieldsOf(apply(user, { typeCode: 'next_of_kin', channel: 'phone' }))).toEqual([
      'type:certificates.errors.notByPhone',
    ]);
    const after = await ctx.db('certificate_applications').count({ n: '*' }).first();
    expect(after).toEqual(before);
  });

  it('issues a no-debt certificate only when nothing is overdue, and otherwise says what is owed', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    const user = await userOf(family.userId);
    const debt = await insertDebt(ctx.db, {
      afm: family.afm,
      amountCents: 12_000,
      dueDate: '2026-05-31',
    });
    const refused = await apply(user, { typeCode: 'no_debt' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.owes.overdueCents).toBe(12_000);
    expect(
      await ctx
        .db('certificate_applications')
        .where({ user_id: user.id })
        .count({ n: '*' })
        .first(),
    ).toEqual({ n: 0 });
    await ctx.db('debts').where({ id: debt.id }).update({ paid_cents: 12_000 });
    const issued = await apply(user, { typeCode: 'no_debt' });
    expect(issued.ok && issued.issued).toBe(true);
    if (!issued.ok) return;
    const certificate = (await ctx.services.certificates.certificateOf(issued.application.id))!;
    expect(certificate.fields.afm).toBe(family.afm);
    expect(certificate.valid_until).toBe('2026-07-15');
  });

  it('numbers applications and certificates without gaps or repeats when many arrive at once', async () => {
    const families = await Promise.all(
      Array.from({ length: 6 }, () => verifiedFamily(ctx.app, ctx.db)),
    );
    const results = await Promise.all(families.map(async (f) => apply(await userOf(f.userId), {})));
    const applications = results.map((r) => (r.ok ? r.application.reference : ''));
    expect(new Set(applications).size).toBe(6);
    const numbers = await ctx.db('certificates').pluck('number');
    expect(new Set(numbers).size).toBe(numbers.length);
    const last = Math.max(...numbers.map((n: string) => Number(n.split('/')[1])));
    expect(last).toBe(numbers.length);
  });
});

describe('what the documents print', () => {
  it('gives next of kin as related to the person, not to the head of the record', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    const result = await apply(await userOf(family.userId), {
      typeCode: 'next_of_kin',
      subject: family.child.id,
    });
    if (!result.ok) throw new Error('not applied');
    const fields = await ctx.services.certificates.draftFields(result.application);
    expect(fields.members.map((m) => [m.name, m.relation])).toEqual([
      ['Γιώργος Μανωλάκης', 'Γονέας'],
      ['Κατερίνα Κουτάκη', 'Γονέας'],
    ]);
    expect(relationTo('spouse', 'parent')).toBe('parentInLaw');
    expect(relationTo('parent', 'child')).toBe('grandchild');
    expect(relationTo('other', 'head')).toBe('relative');
  });

  it('keeps the holder’s line in the members’ table as corrected, and refuses an impossible date', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    const result = await apply(await userOf(family.userId), { typeCode: 'family_status' });
    if (!result.ok) throw new Error('not applied');
    const clerk = { userId: null };
    expect(
      await fieldsOf(
        ctx.services.certificates.issue(
          result.application.id,
          [{ field: 'birthDate', value: '31/02/1979', reason: 'Λάθος' }],
          clerk,
        ),
      ),
    ).toEqual(['fields.birthDate:certificates.errors.dateInvalid']);
    const certificate = await ctx.services.certificates.issue(
      result.application.id,
      [{ field: 'fatherName', value: 'Ιωάννης-Μιχαήλ', reason: 'Ληξιαρχική πράξη' }],
      clerk,
    );
    expect(certificate.fields.fatherName).toBe('Ιωάννης-Μιχαήλ');
    const line = certificate.fields.members.find((m) => m.name === 'Γιώργος Μανωλάκης');
    expect(line?.fatherName).toBe('Ιωάννης-Μιχαήλ');
  });

  it('prints the father’s name on a no-debt certificate from the roll', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    const result = await apply(await userOf(family.userId), { typeCode: 'no_debt' });
    if (!result.ok) throw new Error('not applied');
    const certificate = (await ctx.services.certificates.certificateOf(result.application.id))!;
    expect(certificate.fields.fatherName).toBe('Ιωάννης');
  });
});

describe('a revoked certificate', () => {
  it('is neither posted nor handed over afterwards', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    const result = await apply(await userOf(family.userId), { delivery: 'pickup' });
    if (!result.ok) throw new Error('not applied');
    expect(result.application.delivery_state).toBe('ready_for_pickup');
    await ctx.services.certificates.revoke(result.application.id, 'Λάθος', { userId: null });
    await expect(
      ctx.services.certificates.markDelivery(result.application.id, 'handed_over', {
        userId: null,
      }),
    ).rejects.toThrow('certificates.errors.deliveryNotPossible');
  });
});

describe('who is no longer on the roll, or has died', () => {
  it('gives nothing to an applicant struck off the roll, for themselves or their old family', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    const user = await userOf(family.userId);
    await ctx
      .db('roll_persons')
      .where({ id: family.head.id })
      .update({ struck_off_on: '2020-01-01' });
    expect(await fieldsOf(apply(user, {}))).toEqual(['subject:certificates.errors.notOnRoll']);
    expect(
      await fieldsOf(apply(user, { typeCode: 'family_status', subject: family.spouse.id })),
    ).toEqual(['subject:certificates.errors.notOnRoll']);
  });

  it('certifies about a family member who has died only as next of kin', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    const user = await userOf(family.userId);
    await ctx
      .db('roll_persons')
      .where({ id: family.spouse.id })
      .update({ deceased_on: '2024-01-01' });
    expect(
      await fieldsOf(apply(user, { typeCode: 'registration', subject: family.spouse.id })),
    ).toEqual(['subject:certificates.errors.subjectDeceased']);
    const nextOfKin = await apply(user, { typeCode: 'next_of_kin', subject: family.spouse.id });
    expect(nextOfKin.ok).toBe(true);
    if (!nextOfKin.ok) return;
    const fields = await ctx.services.certificates.draftFields(nextOfKin.application);
    expect(fields.deceasedOn).toBe('01/01/2024');
  });
});

describe('the clerk side of the service', () => {
  it('issues once when two clerks press issue together, with corrections that need a reason', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    const result = await apply(await userOf(family.userId), {
      typeCode: 'residence',
      delivery: 'post',
      postAddress: 'Κονδυλάκη 12',
    });
    if (!result.ok) throw new Error('not applied');
    const id = result.application.id;
    const clerk = { userId: null };
    expect(
      await fieldsOf(
        ctx.services.certificates.issue(
          id,
          [{ field: 'address', value: 'Κονδυλάκη 14', reason: ' ' }],
          clerk,
        ),
      ),
    ).toEqual(['reasons.address:certificates.errors.correctionReasonRequired']);
    const both = await Promise.allSettled([
      ctx.services.certificates.issue(
        id,
        [{ field: 'address', value: 'Κονδυλάκη 14, Άγιος Νικόλαος', reason: 'Νέα διεύθυνση' }],
        clerk,
      ),
      ctx.services.certificates.issue(id, [], clerk),
    ]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      both
        .filter((r) => r.status === 'rejected')
        .map((r) => (r as PromiseRejectedResult).reason.messageKey),
    ).toEqual(['certificates.errors.alreadyHandled']);
    expect(
      await ctx.db('certificates').where({ application_id: id }).count({ n: '*' }).first(),
    ).toEqual({ n: 1 });
    await ctx.services.certificates.markDelivery(id, 'posted', clerk);
    await expect(ctx.services.certificates.markDelivery(id, 'posted', clerk)).rejects.toThrow(
      'certificates.errors.deliveryNotPossible',
    );
    await ctx.services.certificates.revoke(id, 'Εκδόθηκε κατά λάθος', clerk);
    await expect(ctx.services.certificates.revoke(id, 'ξανά', clerk)).rejects.toThrow(
      'certificates.errors.notRevocable',
    );
    const certificate = (await ctx.services.certificates.certificateOf(id))!;
    const verification = await ctx.services.certificates.verify(certificate.verification_code);
    expect(verification?.status).toBe('revoked');
    expect(verification?.holderMasked).toBe('Γι***** Μα*******');
  });
});
