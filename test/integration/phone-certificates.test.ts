import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/lib/passwords.ts';
import type { UserRow } from '../../src/features/accounts/users.repository.ts';
import { createActiveUser, drainMail } from '../helpers/accounts.ts';
import {
  freshAfm,
  insertRollPerson,
  insertRollRecord,
  verifiedFamily,
} from '../helpers/certificates.ts';
import { insertDebt } from '../helpers/finance.ts';
import { phoneCitizen, signedInCall } from '../helpers/phone.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
let base: string;

beforeAll(async () => {
  ctx = await createTestContext();
  base = ctx.deps.config.baseUrl;
});
afterAll(async () => ctx.close());

const ADDRESS = {
  address_street: 'Κονδυλάκη',
  address_number: '12',
  address_postcode: '72100',
  address_city: 'Άγιος Νικόλαος',
};
const ADDRESS_LINE = 'Κονδυλάκη 12, 72100 Άγιος Νικόλαος';
const MAIN_MENU = /Για αιτήσεις πιστοποιητικών, πατήστε 1\./;
const NOT_AN_OPTION = 'Αυτή δεν είναι μία από τις επιλογές.';
/** A reference read one character at a time, its parts apart. */
const SPELLED = /C R T, 2 0 \d \d, \d \d \d \d \d \d/;

let phones = 0;

/** Gives an account a phone number and a phone PIN (and `extra`), as registration would. */
async function givePhone(userId: number, extra: Record<string, unknown> = {}) {
  phones += 1;
  const phone = `+30698${String(process.pid % 1000).padStart(3, '0')}${String(phones).padStart(4, '0')}`;
  const pin = String(200_000 + phones * 7919);
  await ctx
    .db('users')
    .where({ id: userId })
    .update({ phone_e164: phone, ivr_pin_hash: await hashSecret(pin), ...extra });
  return { id: userId, phone, pin };
}

/** A verified head of a family record (a spouse and a child) who can call. */
async function callingFamily(extra: Record<string, unknown> = {}) {
  const family = await verifiedFamily(ctx.app, ctx.db);
  const caller = await givePhone(family.userId, extra);
  const { email } = (await ctx.db('users').where({ id: family.userId }).first()) as {
    email: string;
  };
  return { ...family, caller, email };
}

const applicationsOf = (userId: number) =>
  ctx.db('certificate_applications').where({ user_id: userId }).orderBy('id') as Promise<
    Record<string, unknown>[]
  >;
const callOf = async (userId: number) =>
  (await ctx.db('phone_calls').where({ user_id: userId }).first()) as Record<string, unknown>;

/** Signed in, then option 1: the list of types. */
async function atTypes(caller: { phone: string; pin: string }, english = false) {
  const call = await signedInCall(ctx.app, base, caller, { english });
  await call.press('1');
  return call;
}

async function withType<T>(code: string, change: Record<string, unknown>, work: () => Promise<T>) {
  const before = (await ctx.db('certificate_types').where({ code }).first()) as Record<
    string,
    unknown
  >;
  await ctx.db('certificate_types').where({ code }).update(change);
  try {
    return await work();
  } finally {
    const restore = Object.fromEntries(Object.keys(change).map((key) => [key, before[key]]));
    await ctx.db('certificate_types').where({ code }).update(restore);
  }
}

describe('the phone portal: certificates', () => {
  it('walks a verified citizen to an application for a family member, by post, read back and confirmed', async () => {
    const family = await callingFamily(ADDRESS);
    await drainMail(ctx.deps);
    const call = await atTypes(family.caller);
    const types = call.screen!;
    expect(types.says).toEqual([
      'Ποιο πιστοποιητικό θέλετε;',
      'Για Πιστοποιητικό εγγραφής στο δημοτολόγιο, πατήστε 1.',
      'Για Πιστοποιητικό οικογενειακής κατάστασης, πατήστε 2.',
      'Για Βεβαίωση μόνιμης κατοικίας, πατήστε 3.',
      'Για να ακούσετε ξανά, πατήστε 0.',
      'Για το αρχικό μενού, πατήστε αστερίσκο.',
    ]);
    expect(types.gather?.numDigits).toBe(1);

    const subjects = await call.press('2');
    expect(subjects.says).toEqual([
      'Ποιον αφορά το πιστοποιητικό; Για εσάς, πατήστε 1.',
      'Για άλλο μέλος της οικογενειακής σας μερίδας:',
      'Κατερίνα, πατήστε 2.',
      'Μιχάλης, πατήστε 3.',
      'Για να ακούσετε ξανά, πατήστε 0.',
      'Για το αρχικό μενού, πατήστε αστερίσκο.',
    ]);
    // 0 says it again, and is not a bad try.
    expect((await call.press('0')).says).toEqual(subjects.says);

    const delivery = await call.press('2');
    expect(delivery.says).toContain('Με email, στη διεύθυνση του λογαριασμού σας: πατήστε 1.');
    expect(delivery.says).toContain(`Ταχυδρομικά, στη διεύθυνση ${ADDRESS_LINE}: πατήστε 2.`);

    const confirm = await call.press('2');
    expect(confirm.says.slice(0, 4)).toEqual([
      'Κάνετε αίτηση για: Πιστοποιητικό οικογενειακής κατάστασης.',
      'Αφορά: Κατερίνα Κουτάκη.',
      `Θα σταλεί ταχυδρομικά στη διεύθυνση ${ADDRESS_LINE}.`,
      'Για να υποβάλετε την αίτηση, πατήστε 1. Για να ξεκινήσετε από την αρχή, πατήστε 2.',
    ]);
    expect(await applicationsOf(family.userId)).toEqual([]);

    const done = await call.press('1');
    const [application, ...more] = await applicationsOf(family.userId);
    expect(more).toEqual([]);
    expect(application).toMatchObject({
      channel: 'phone',
      type_code: 'family_status',
      subject_person_id: family.spouse.id,
      subject_name: 'Κατερίνα Κουτάκη',
      delivery: 'post',
      post_address: ADDRESS_LINE,
      status: 'submitted',
    });
    const reference = application!.reference as string;
    const spelled = [...reference.replace(/-/g, '')]
      .join(' ')
      .replace(/^(C R T) (\d \d \d \d) /, '$1, $2, ');
    expect(done.says[0]).toMatch(
      new RegExp(`^Η αίτησή σας καταχωρίστηκε\\. Ο αριθμός της είναι ${spelled}\\. `),
    );
    expect(done.says[0]).toMatch(SPELLED);
    expect(done.says[1]).toBe(`Επαναλαμβάνουμε τον αριθμό: ${spelled}.`);
    expect(done.says[2]).toBe('Σας στείλαμε τον αριθμό και με email.');
    // Back at the main menu, still in the call.
    expect(done.says.at(-1)).toMatch(MAIN_MENU);
    expect(done.hangup).toBe(false);

    const mails = (await drainMail(ctx.deps)).filter((mail) => mail.to === family.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(reference);

    // The provider sends the confirmation again: the same answer, nothing made twice.
    const retried = await call.resend();
    expect(retried.xml).toBe(done.xml);
    expect(await applicationsOf(family.userId)).toHaveLength(1);
    expect((await drainMail(ctx.deps)).filter((mail) => mail.to === family.email)).toEqual([]);

    const audit = await ctx
      .db('audit_log')
      .where({ action: 'certificates.applied', user_id: family.userId })
      .select('details');
    expect(audit).toHaveLength(1);

    expect(await call.hangUp()).toBe(204);
    const row = await callOf(family.userId);
    expect(row.menus).toEqual(['certificates']);
    expect(row.outcomes).toEqual(['signed_in', 'certificate_applied']);
    expect(row.state).toEqual({});
    // Nothing typed is kept: not the PIN, not the person or the way chosen (the state is empty).
    const logged = JSON.stringify(row);
    expect(logged).not.toContain(family.caller.pin);
    expect(logged).not.toContain('Κατερίνα');
    expect(logged).not.toContain('post');
  });

  it('issues an instant certificate for the caller by email, once, even when the confirmation comes twice at once', async () => {
    const family = await callingFamily();
    await drainMail(ctx.deps);
    const call = await atTypes(family.caller);
    await call.press('1');
    const delivery = await call.press('1');
    // No postal address on the account: post is not offered, and the caller hears why.
    expect(delivery.says).toContain(
      'Για να λαμβάνετε πιστοποιητικά ταχυδρομικά, προσθέστε πρώτα την ταχυδρομική σας διεύθυνση στη σελίδα του λογαριασμού σας στον ιστότοπο.',
    );
    expect(delivery.says.join(' ')).not.toContain('πατήστε 2');
    expect((await call.press('2')).says[0]).toBe(NOT_AN_OPTION);
    const confirm = await call.press('1');
    expect(confirm.says.slice(0, 3)).toEqual([
      'Κάνετε αίτηση για: Πιστοποιητικό εγγραφής στο δημοτολόγιο.',
      'Αφορά εσάς.',
      'Θα σταλεί με email, στη διεύθυνση του λογαριασμού σας.',
    ]);
    const [first, second] = await Promise.all([call.press('1'), call.press('1')]);
    expect(first.xml).toBe(second.xml);
    expect(first.says[0]).toMatch(
      /^Το πιστοποιητικό σας εκδόθηκε αμέσως και σας το στείλαμε με email\. Ο αριθμός της αίτησής σας είναι C R T, /,
    );
    const applications = await applicationsOf(family.userId);
    expect(applications).toHaveLength(1);
    expect(applications[0]).toMatchObject({
      channel: 'phone',
      status: 'issued',
      subject_person_id: family.head.id,
      delivery: 'email',
    });
    const mails = (await drainMail(ctx.deps)).filter((mail) => mail.to === family.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.text).toContain(applications[0]!.reference as string);
    expect(mails[0]!.attachments?.[0]?.fileName).toBe(
      `${applications[0]!.reference as string}.pdf`,
    );
  });

  it('applies once for a phone step, even when the step is worked out again (its claim lost, or at the same time)', async () => {
    const family = await callingFamily();
    const user = (await ctx.db('users').where({ id: family.userId }).first()) as UserRow;
    const input = {
      user,
      typeCode: 'registration',
      subject: 'self' as const,
      delivery: 'email',
      channel: 'phone' as const,
      phoneStep: 'CA0123456789abcdef0123456789abcdef/7',
    };
    const [a, b] = await Promise.all([
      ctx.services.certificates.apply(input),
      ctx.services.certificates.apply(input),
    ]);
    const again = await ctx.services.certificates.apply(input);
    const applications = await applicationsOf(family.userId);
    expect(applications).toHaveLength(1);
    for (const result of [a, b, again])
      expect(result.ok && result.application.id).toBe(applications[0]!.id);
    // Another step of the same call is another application.
    await ctx.services.certificates.apply({ ...input, phoneStep: `${input.phoneStep}1` });
    expect(await applicationsOf(family.userId)).toHaveLength(2);
  });

  it('tells a caller whose identity is not verified how to get verified, and goes back to the main menu', async () => {
    const caller = await phoneCitizen(ctx.db);
    const call = await signedInCall(ctx.app, base, caller);
    const answer = await call.press('1');
    expect(answer.says[0]).toContain('ελεγχθεί η ταυτότητά σας αυτοπροσώπως');
    expect(answer.says[0]).toContain(ctx.deps.config.OFFICE_ADDRESS_EL);
    expect(answer.says.at(-1)).toMatch(MAIN_MENU);
    expect(answer.hangup).toBe(false);
    expect(await applicationsOf(caller.id)).toEqual([]);
    const row = await callOf(caller.id);
    expect(row.menus).toEqual(['certificates']);
    expect(row.outcomes).toEqual(['signed_in']);
  });

  it('never offers a type not asked by phone, with a fee or withdrawn; its digit is a bad try', async () => {
    const family = await callingFamily();
    await withType('residence', { fee_cents: 500 }, () =>
      withType('registration', { active: false }, async () => {
        const call = await atTypes(family.caller);
        const said = call.said;
        for (const name of [
          'εγγυτέρων συγγενών',
          'δημοτικής ενημερότητας',
          'μόνιμης κατοικίας',
          'εγγραφής στο δημοτολόγιο',
        ])
          expect(said).not.toContain(name);
        expect(call.screen!.says[1]).toBe('Για Πιστοποιητικό οικογενειακής κατάστασης, πατήστε 1.');
        for (const digit of ['2', '3']) {
          const bad = await call.press(digit);
          expect(bad.says[0]).toBe(NOT_AN_OPTION);
          expect(bad.hangup).toBe(false);
        }
        // A type named by its position in the list only: the third bad try ends the call.
        expect((await call.press('5')).hangup).toBe(true);
      }),
    );
    expect(await applicationsOf(family.userId)).toEqual([]);
  });

  it('lists only the members of the caller’s own record a certificate may be about; other digits are bad tries', async () => {
    const family = await callingFamily();
    await insertRollPerson(ctx.db, family.recordId, {
      relation: 'parent',
      given_name: 'Σοφία',
      sex: 'F',
      deceased_on: '2024-01-10',
    });
    await insertRollPerson(ctx.db, family.recordId, {
      relation: 'sibling',
      given_name: 'Νίκος',
      struck_off_on: '2023-03-01',
    });
    // Someone on another record: never offered (the keys name positions in the list, not ids).
    await insertRollPerson(ctx.db, await insertRollRecord(ctx.db), {
      given_name: 'Ανδρέας',
      surname: 'Ξένος',
    });
    const call = await atTypes(family.caller);
    const subjects = await call.press('2');
    const said = subjects.says.join(' ');
    expect(said).toContain('Κατερίνα, πατήστε 2.');
    expect(said).toContain('Μιχάλης, πατήστε 3.');
    for (const name of ['Σοφία', 'Νίκος', 'Ανδρέας']) expect(said).not.toContain(name);
    for (const digit of ['4', '9']) {
      const bad = await call.press(digit);
      expect(bad.says[0]).toBe(NOT_AN_OPTION);
      expect(bad.says.slice(1)).toEqual(subjects.says);
    }
    // Still there: the next good answer goes on (the count of bad tries starts again).
    expect((await call.press('3')).says[0]).toBe('Πώς θέλετε να το λάβετε;');
    const menu = await call.press('*');
    expect(menu.says.at(-1)).toMatch(MAIN_MENU);
    expect(await applicationsOf(family.userId)).toEqual([]);
  });

  it('skips "for whom" for a type about the applicant only, and starts over on 2', async () => {
    const family = await callingFamily(ADDRESS);
    const call = await atTypes(family.caller);
    const delivery = await call.press('3');
    expect(delivery.says[0]).toBe('Πώς θέλετε να το λάβετε;');
    await call.press('1');
    const again = await call.press('2');
    expect(again.says[0]).toBe('Ποιο πιστοποιητικό θέλετε;');
    expect(await applicationsOf(family.userId)).toEqual([]);
  });

  it('speaks English to an account whose language is English', async () => {
    const family = await callingFamily({ lang: 'en' });
    await drainMail(ctx.deps);
    const call = await atTypes(family.caller);
    expect(call.screen!.says.slice(0, 2)).toEqual([
      'Which certificate would you like?',
      'For Certificate of registration in the municipal roll, press 1.',
    ]);
    expect(call.screen!.languages.every((lang) => lang === 'en-GB')).toBe(true);
    expect((await call.press('2')).says[0]).toBe(
      'Who is the certificate about? For yourself, press 1.',
    );
    await call.press('3');
    const confirm = await call.press('1');
    expect(confirm.says.slice(0, 3)).toEqual([
      'You are applying for: Certificate of family status.',
      'It is about: Μιχάλης Μανωλάκης.',
      'It will be sent by email, to your account’s email address.',
    ]);
    const done = await call.press('1');
    expect(done.says[0]).toMatch(/^Your application was recorded\. Its number is C R T, 2 0 /);
    expect(done.says[0]).toMatch(SPELLED);
    expect(done.languages.every((lang) => lang === 'en-GB')).toBe(true);
    const [application] = await applicationsOf(family.userId);
    expect(application).toMatchObject({ subject_person_id: family.child.id, channel: 'phone' });
    const mails = (await drainMail(ctx.deps)).filter((mail) => mail.to === family.email);
    expect(mails[0]?.text).toContain(application!.reference as string);
  });

  it('says in words what is owed when a no-debt certificate is refused, and records nothing', async () => {
    const family = await callingFamily(ADDRESS);
    await insertDebt(ctx.db, { afm: family.afm, amountCents: 12_000, dueDate: '2025-05-31' });
    await withType('no_debt', { by_phone: true }, async () => {
      const call = await atTypes(family.caller);
      expect(call.screen!.says[4]).toBe('Για Βεβαίωση δημοτικής ενημερότητας, πατήστε 4.');
      // About the applicant only, and never by post.
      const delivery = await call.press('4');
      expect(delivery.says).toContain('Αυτό το πιστοποιητικό δεν αποστέλλεται ταχυδρομικά.');
      await call.press('1');
      const refused = await call.press('1');
      expect(refused.says[0]).toContain('οφείλονται ληξιπρόθεσμα 120,00');
      expect(refused.says.at(-1)).toMatch(MAIN_MENU);
      const row = await callOf(family.userId);
      expect(row.outcomes).toEqual(['signed_in']);
    });
    expect(await applicationsOf(family.userId)).toEqual([]);
  });

  it('answers a type withdrawn from the phone between the read-back and the confirmation', async () => {
    const family = await callingFamily();
    const call = await atTypes(family.caller);
    await call.press('3');
    await call.press('1');
    await withType('residence', { by_phone: false }, async () => {
      const answer = await call.press('1');
      expect(answer.says[0]).toBe(
        'Αυτό το πιστοποιητικό δεν ζητείται πλέον από το τηλέφωνο. Η αίτησή σας δεν καταχωρίστηκε.',
      );
      expect(answer.says[1]).toBe('Ποιο πιστοποιητικό θέλετε;');
      expect(answer.says.join(' ')).not.toContain('μόνιμης κατοικίας');
    });
    expect(await applicationsOf(family.userId)).toEqual([]);
  });

  it('tells a verified caller who is not on the roll that a roll certificate cannot be issued', async () => {
    const user = await createActiveUser(ctx.db, `phone.offroll.${process.pid}`, {
      identity_verified_at: new Date(),
      identity_channel: 'counter',
      afm: freshAfm(),
    });
    const caller = await givePhone(user.id);
    const call = await atTypes(caller);
    const answer = await call.press('1');
    expect(answer.says[0]).toMatch(/^Δεν σας βρίσκουμε στο δημοτολόγιο/);
    expect(answer.says[1]).toBe('Ποιο πιστοποιητικό θέλετε;');
    expect(await applicationsOf(user.id)).toEqual([]);
  });
});
