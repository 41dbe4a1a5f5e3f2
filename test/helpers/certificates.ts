import type { UserRow } from '../../src/features/accounts/users.repository.ts';
import { formatVerificationCode } from '../../src/features/certificates/verification-code.ts';
import type { Services } from '../../src/services.ts';
import forge from 'node-forge';
import type request from 'supertest';
import type { Db } from '../../src/db/knex.ts';
import type { RollPerson } from '../../src/features/roll/roll.repository.ts';
import { createActiveUser, newAgent, postForm, signIn, type Agent } from './accounts.ts';
import { afmFrom } from './staff.ts';

let counter = 0;
const unique = () =>
  `${Date.now().toString(36)}${(counter += 1)}${Math.random().toString(36).slice(2, 5)}`;

/** A family record on the roll, straight in the database. */
export async function insertRollRecord(
  db: Db,
  input: { recordNumber?: string; municipalUnit?: string; address?: string | null } = {},
): Promise<number> {
  const [row] = (await db('roll_records')
    .insert({
      record_number: input.recordNumber ?? `R${unique()}`,
      municipal_unit: input.municipalUnit ?? 'Αγίου Νικολάου',
      address: input.address === undefined ? 'Κονδυλάκη 12, 72100 Άγιος Νικόλαος' : input.address,
    })
    .returning('id')) as { id: number }[];
  return row!.id;
}

/** A person on a record; the defaults make a married man born in Άγιος Νικόλαος. */
export async function insertRollPerson(
  db: Db,
  recordId: number,
  input: Partial<Omit<RollPerson, 'id' | 'record_id'>> = {},
): Promise<RollPerson> {
  const [row] = (await db('roll_persons')
    .insert({
      source_id: `P${unique()}`,
      record_id: recordId,
      relation: 'head',
      surname: 'Μανωλάκης',
      given_name: 'Γιώργος',
      father_name: 'Ιωάννης',
      mother_name: 'Ελένη',
      birth_date: '1979-02-03',
      birth_place: 'Άγιος Νικόλαος',
      sex: 'M',
      marital_status: 'married',
      afm: null,
      ...input,
    })
    .returning('*')) as RollPerson[];
  return row!;
}

/** A fresh valid AFM no other test uses. */
export function freshAfm(): string {
  return afmFrom(String(10_000_000 + Math.floor(Math.random() * 89_999_999)).slice(0, 8));
}

/**
 * An identity-verified citizen (AFM recorded) who is the head of a new family record with a
 * spouse and a child, signed in on a fresh agent.
 */
export async function verifiedFamily(
  app: Parameters<typeof newAgent>[0],
  db: Db,
  name = unique(),
): Promise<{
  agent: Agent;
  userId: number;
  afm: string;
  recordId: number;
  head: RollPerson;
  spouse: RollPerson;
  child: RollPerson;
}> {
  const afm = freshAfm();
  const user = await createActiveUser(db, `cert.${name}`, {
    identity_verified_at: new Date(),
    identity_channel: 'counter',
    afm,
    full_name: 'Γιώργος Μανωλάκης',
  });
  const recordId = await insertRollRecord(db);
  const head = await insertRollPerson(db, recordId, { afm });
  const spouse = await insertRollPerson(db, recordId, {
    relation: 'spouse',
    surname: 'Κουτάκη',
    given_name: 'Κατερίνα',
    father_name: 'Μιχαήλ',
    mother_name: 'Αγγελική',
    sex: 'F',
    birth_date: '1981-06-15',
  });
  const child = await insertRollPerson(db, recordId, {
    relation: 'child',
    given_name: 'Μιχάλης',
    father_name: 'Γιώργος',
    mother_name: 'Κατερίνα',
    birth_date: '2010-09-01',
    marital_status: 'single',
  });
  const agent = newAgent(app);
  const res = await signIn(agent, user.username, user.password);
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  return { agent, userId: user.id, afm, recordId, head, spouse, child };
}

/**
 * Sends the application form (/certificates/new?type=…) as a browser would, with its tokens;
 * `subject` defaults to the citizen themselves.
 */
export async function applyForCertificate(
  agent: Agent,
  fields: Record<string, string> & { type: string },
) {
  return postForm(
    agent,
    `/certificates/new?type=${encodeURIComponent(fields.type)}`,
    '/certificates',
    {
      subject: 'self',
      ...fields,
    },
  );
}

/** A supertest parser that keeps a response's bytes (a PDF) as a Buffer in `res.body`. */
export function binary(
  res: request.Response,
  done: (error: Error | null, body: Buffer) => void,
): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

/** A PKCS#12 file holding a certificate but not its key: a seal that cannot sign. */
export function keylessP12(passphrase: string): Buffer {
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = keys.publicKey;
  certificate.serialNumber = '01';
  certificate.validity.notBefore = new Date();
  certificate.validity.notAfter = new Date(Date.now() + 86_400_000);
  certificate.setSubject([{ name: 'commonName', value: 'Municipality' }]);
  certificate.setIssuer([{ name: 'commonName', value: 'Municipality' }]);
  certificate.sign(keys.privateKey, forge.md.sha256.create());
  const p12 = forge.pkcs12.toPkcs12Asn1(null, [certificate], passphrase, { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
}

/**
 * An instant certificate (registration in the roll, by email) issued through the service to a new
 * verified citizen: the family, the application, the certificate and its verification path.
 */
export async function issueInstantCertificate(ctx: {
  app: Parameters<typeof newAgent>[0];
  db: Db;
  services: Services;
}) {
  const family = await verifiedFamily(ctx.app, ctx.db);
  const user = (await ctx.db<UserRow>('users').where({ id: family.userId }).first())!;
  const result = await ctx.services.certificates.apply({
    user,
    typeCode: 'registration',
    subject: 'self',
    delivery: 'email',
    channel: 'web',
  });
  if (!result.ok || !result.issued) throw new Error('the instant certificate was not issued');
  const certificate = (await ctx.services.certificates.certificateOf(result.application.id))!;
  return {
    family,
    application: result.application,
    certificate,
    path: `/verify/${formatVerificationCode(certificate.verification_code)}`,
  };
}
