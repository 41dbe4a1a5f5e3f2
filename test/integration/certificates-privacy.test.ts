/**
 * The certificates' part of the citizen's own data (certificates.personal.ts): the download (their
 * applications with their timelines, the certificates issued on them, the PDFs), the account's
 * deletion (pending applications withdrawn; the link to the account and the contact details gone;
 * an issued certificate, its PDF and its verification kept, as the law keeps them), and the
 * application form's notice.
 */
import * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MODULES } from '../../src/features/index.ts';
import { formatVerificationCode } from '../../src/features/certificates/verification-code.ts';
import type { Person } from '../../src/features/module.ts';
import { eraseInOneTransaction } from '../../src/features/privacy/erasure.ts';
import { drainMail, type Agent } from '../helpers/accounts.ts';
import { applyForCertificate, verifiedFamily } from '../helpers/certificates.ts';
import { rowsHolding } from '../helpers/privacy.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

// From the one list (the module's own file, imported first, would close an import cycle early).
const certificatesModule = MODULES.find((m) => m.name === 'certificates')!;

let ctx: TestContext;
let clerk: Agent;
let clerkId: number;

beforeAll(async () => {
  ctx = await createTestContext();
  ({ agent: clerk, id: clerkId } = await signedInStaff(ctx.app, ctx.db, ['clerk']));
}, 120_000);
afterAll(() => ctx.close());
beforeEach(() => drainMail(ctx.deps));

const POST_ADDRESS = 'Οδός Θεοτοκοπούλου 19, 71202 Ηράκλειο';
const PURPOSE = 'Για την ΑΑΔΕ, υπόθεση Κοκκινοπλίτη';

/**
 * A verified citizen (head of a family record) named `given surname` everywhere, who got an
 * instant certificate by post and has a residence certificate pending with the clerks.
 */
async function aCitizenWithCertificates(given: string, surname: string) {
  const family = await verifiedFamily(ctx.app, ctx.db);
  const fullName = `${given} ${surname}`;
  await ctx.db('users').where({ id: family.userId }).update({ full_name: fullName });
  await ctx.db('roll_persons').where({ id: family.head.id }).update({
    given_name: given,
    surname,
  });
  const issued = await applyForCertificate(family.agent, {
    type: 'registration',
    delivery: 'post',
    postAddress: POST_ADDRESS,
    purpose: PURPOSE,
  });
  expect(issued.status, issued.text.slice(0, 300)).toBe(303);
  const pending = await applyForCertificate(family.agent, {
    type: 'residence',
    delivery: 'email',
    purpose: 'Εγγραφή στο σχολείο',
  });
  expect(pending.status).toBe(303);
  const applications = (await ctx
    .db('certificate_applications')
    .where({ user_id: family.userId })
    .orderBy('id')
    .select('id', 'reference', 'status')) as { id: number; reference: string; status: string }[];
  expect(applications.map((a) => a.status)).toEqual(['issued', 'submitted']);
  const certificate = (await ctx
    .db('certificates')
    .where({ application_id: applications[0]!.id })
    .first()) as { number: string; verification_code: string; file_key: string };
  const email = (
    (await ctx.db('users').where({ id: family.userId }).first('email')) as { email: string }
  ).email;
  const person: Person = { userId: family.userId, afm: family.afm, email, phone: null };
  return {
    ...family,
    fullName,
    email,
    person,
    issued: applications[0]!,
    pending: applications[1]!,
    certificate,
  };
}

describe('the download', () => {
  it('holds the applications with their timelines and the certificate, and nothing of another citizen', async () => {
    const citizen = await aCitizenWithCertificates('Αριστοτέλης', 'Κοκκινοπλίτης');
    const other = await aCitizenWithCertificates('Ξενοφών', 'Αλλοδαπούλης');
    const exported = (await certificatesModule.exportFor!(citizen.person, ctx.db)) as {
      applications: Record<string, unknown>[];
    };
    expect(exported.applications).toHaveLength(2);
    const [issued, pending] = exported.applications as [
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    expect(issued).toMatchObject({
      reference: citizen.issued.reference,
      type_code: 'registration',
      subject_name: citizen.fullName,
      purpose: PURPOSE,
      delivery: 'post',
      post_address: POST_ADDRESS,
      status: 'issued',
      certificate: {
        number: citizen.certificate.number,
        verification_code: citizen.certificate.verification_code,
        holder_name: citizen.fullName,
        fields: { fullName: citizen.fullName, afm: citizen.afm },
      },
    });
    expect((issued.events as { kind: string; at: string }[]).map((e) => e.kind)).toEqual([
      'submitted',
      'issued',
    ]);
    expect((issued.events as { at: string }[])[0]!.at).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect(pending).toMatchObject({
      reference: citizen.pending.reference,
      status: 'submitted',
      purpose: 'Εγγραφή στο σχολείο',
      certificate: null,
    });
    const text = JSON.stringify(exported);
    for (const absent of [other.fullName, other.afm, other.email, other.issued.reference])
      expect(text).not.toContain(absent);
    // The family record's other members are in the PDF, not repeated in the JSON.
    expect(text).not.toContain(citizen.spouse.given_name);

    const files = await certificatesModule.exportFiles!(citizen.person, ctx.db);
    expect(files).toEqual([
      {
        path: `${citizen.issued.reference}-${citizen.certificate.number.replace('/', '_')}.pdf`,
        documentKey: citizen.certificate.file_key,
      },
    ]);
  });
});

describe('the account’s deletion', () => {
  it('withdraws what is pending, unlinks everything, and keeps the issued certificate verifiable', async () => {
    const citizen = await aCitizenWithCertificates('Παρασκευή', 'Ζαχαριουδάκη');
    const other = await aCitizenWithCertificates('Ξενοφών', 'Αλλοδαπούλης');
    await drainMail(ctx.deps);
    await eraseInOneTransaction(ctx.deps, citizen.person, [certificatesModule]);
    // The account's own deletion mail says it; the module sends none of its own.
    expect(await drainMail(ctx.deps)).toEqual([]);

    const pending = (await ctx
      .db('certificate_applications')
      .where({ id: citizen.pending.id })
      .first()) as Record<string, unknown>;
    expect(pending).toMatchObject({
      status: 'withdrawn',
      user_id: null,
      subject_person_id: null,
      applicant_person_id: null,
      subject_afm: null,
      subject_name: '',
      purpose: null,
    });
    expect(
      await ctx
        .db('certificate_events')
        .where({ application_id: citizen.pending.id })
        .orderBy('id')
        .pluck('kind'),
    ).toEqual(['submitted', 'withdrawn']);
    expect(
      await ctx
        .db('audit_log')
        .where({ action: 'certificates.withdrawn', entity_id: citizen.pending.id })
        .count({ n: '*' })
        .first(),
    ).toEqual({ n: 1 });

    // Issued: kept as the law keeps it, its holder and its file; no longer the account's.
    const issued = (await ctx
      .db('certificate_applications')
      .where({ id: citizen.issued.id })
      .first()) as Record<string, unknown>;
    expect(issued).toMatchObject({
      status: 'issued',
      user_id: null,
      applicant_person_id: null,
      post_address: null,
      subject_name: citizen.fullName,
    });
    expect(issued.applicant_erased_at).toBeInstanceOf(Date);
    expect(
      await ctx
        .db('certificate_events')
        .whereIn('application_id', [citizen.issued.id])
        .pluck('actor_id'),
    ).not.toContain(citizen.userId);
    expect(await ctx.deps.documents.exists(citizen.certificate.file_key)).toBe(true);
    const verify = await request(ctx.app).get(
      `/verify/${formatVerificationCode(citizen.certificate.verification_code)}`,
    );
    expect(verify.status).toBe(200);
    expect(cheerio.load(verify.text)('#certificate-status').text()).toBe('Σε ισχύ');

    // Nothing in the certificates' tables names them but the issued certificate and its application.
    const kept = [`certificate_applications: (${citizen.issued.id},`, 'certificates: ('];
    for (const needle of [citizen.fullName, citizen.email, citizen.afm]) {
      const rows = (await rowsHolding(ctx.db, needle)).filter((row) =>
        row.startsWith('certificate'),
      );
      expect(
        rows.filter((row) => !kept.some((k) => row.startsWith(k))),
        needle,
      ).toEqual([]);
    }
    // Their postal address is gone; the other citizen's application keeps theirs.
    const addressed = await rowsHolding(ctx.db, POST_ADDRESS);
    for (const id of [citizen.issued.id, citizen.pending.id])
      expect(
        addressed.filter((row) => row.startsWith(`certificate_applications: (${id},`)),
      ).toEqual([]);
    expect(
      addressed.filter((row) => row.startsWith(`certificate_applications: (${other.issued.id},`)),
    ).toHaveLength(1);
    expect(
      (await rowsHolding(ctx.db, citizen.email)).filter((row) => row.startsWith('certificate')),
    ).toEqual([]);

    // The clerks' side: the withdrawn application is off the queue and its page says so.
    const queue = await clerk.get('/staff/certificates');
    expect(queue.text).not.toContain(citizen.pending.reference);
    expect(queue.text).toContain(other.pending.reference);
    const page = await clerk.get(`/staff/certificates/${citizen.pending.id}`);
    expect(page.status).toBe(200);
    expect(cheerio.load(page.text)('.app-status').text()).toBe('Αποσύρθηκε');
    expect(cheerio.load(page.text)(`form[action$="/${citizen.pending.id}/start"]`)).toHaveLength(0);
    // A clerk cannot take it on any more; the other citizen's is as it was.
    await expect(
      ctx.services.certificates.startWork(citizen.pending.id, { userId: clerkId, context: {} }),
    ).rejects.toThrow();
    expect(
      await ctx.db('certificate_applications').where({ id: other.pending.id }).first(),
    ).toMatchObject({ status: 'submitted', user_id: other.userId });
  });
});

describe('the application form’s privacy notice', () => {
  it('says what, why, how long and who, before the button, in Greek and English', async () => {
    const family = await verifiedFamily(ctx.app, ctx.db);
    const el = cheerio.load((await family.agent.get('/certificates/new?type=residence')).text);
    const notice = el('form[action="/certificates"] .privacy-notice');
    expect(notice.length).toBe(1);
    expect(notice.next().is('.govuk-button-group')).toBe(true);
    expect(notice.text()).toContain('Οι υπάλληλοι του δήμου που χειρίζονται');
    expect(notice.text()).toContain('όσο ορίζει ο νόμος');
    const en = cheerio.load(
      (await family.agent.get('/certificates/new?type=residence&lang=en')).text,
    );
    expect(en('.privacy-notice').text()).toContain('handle certificate applications');
    expect(en('.privacy-notice').text()).toContain('as long as the law requires');
  });
});
