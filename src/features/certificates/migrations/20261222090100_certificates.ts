import type { Knex } from 'knex';

/**
 * Certificates: the catalogue of types (data, kept by an admin), the citizens' applications with
 * their timeline, and the issued documents with their verification codes. An issued certificate
 * and its verification stay as long as the law keeps them (a revoked one stays, as revoked).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE certificate_types (
    code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
    template text NOT NULL
      CHECK (template IN ('registration', 'family_status', 'next_of_kin', 'residence', 'no_debt')),
    name_el text NOT NULL CHECK (name_el <> ''),
    name_en text NOT NULL CHECK (name_en <> ''),
    description_el text NOT NULL DEFAULT '',
    description_en text NOT NULL DEFAULT '',
    who text NOT NULL CHECK (who IN ('holder', 'family')),
    issue_mode text NOT NULL CHECK (issue_mode IN ('instant', 'clerk')),
    deadline_days int NOT NULL CHECK (deadline_days BETWEEN 0 AND 60),
    fee_cents int NOT NULL DEFAULT 0 CHECK (fee_cents >= 0),
    validity_months int CHECK (validity_months BETWEEN 1 AND 120),
    delivery_methods text[] NOT NULL
      CHECK (cardinality(delivery_methods) > 0
        AND delivery_methods <@ ARRAY['email', 'post', 'pickup']::text[]),
    by_phone boolean NOT NULL DEFAULT false,
    active boolean NOT NULL DEFAULT true,
    position int NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by int REFERENCES users(id) ON DELETE SET NULL
  )`);
  // The last number given in each year, per series (application references CRT-2026-000123,
  // certificate numbers 2026/000123): taken with an UPDATE … RETURNING in the same transaction.
  await knex.raw(`CREATE TABLE certificate_numbers (
    series text NOT NULL CHECK (series IN ('application', 'certificate')),
    year int NOT NULL CHECK (year BETWEEN 2000 AND 2999),
    last int NOT NULL CHECK (last BETWEEN 0 AND 999999),
    PRIMARY KEY (series, year)
  )`);
  await knex.raw(`CREATE TABLE certificate_applications (
    id serial PRIMARY KEY,
    reference text NOT NULL UNIQUE,
    user_id int REFERENCES users(id) ON DELETE SET NULL,
    type_code text NOT NULL REFERENCES certificate_types(code),
    -- The person the certificate is about (the roll), and the applicant's own person.
    subject_person_id int REFERENCES roll_persons(id),
    applicant_person_id int REFERENCES roll_persons(id),
    -- The AFM the certificate is about (no-debt: the applicant's, from the identity check).
    subject_afm text CHECK (subject_afm ~ '^[0-9]{9}$'),
    subject_name text NOT NULL,
    purpose text CHECK (char_length(purpose) <= 200),
    delivery text NOT NULL CHECK (delivery IN ('email', 'post', 'pickup')),
    post_address text CHECK (char_length(post_address) <= 300),
    channel text NOT NULL DEFAULT 'web' CHECK (channel IN ('web', 'phone')),
    lang text NOT NULL DEFAULT 'el' CHECK (lang IN ('el', 'en')),
    status text NOT NULL DEFAULT 'submitted'
      CHECK (status IN ('submitted', 'in_progress', 'issued', 'rejected')),
    -- Where the issued document is on its way: emailed, posted, ready at the ΚΕΠ, handed over.
    delivery_state text
      CHECK (delivery_state IN ('emailed', 'posted', 'ready_for_pickup', 'handed_over')),
    deadline date NOT NULL,
    handled_by int REFERENCES users(id) ON DELETE SET NULL,
    rejection_reason text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (delivery <> 'post' OR coalesce(post_address, '') <> ''),
    CHECK (status <> 'rejected' OR coalesce(rejection_reason, '') <> ''),
    CHECK (subject_person_id IS NOT NULL OR subject_afm IS NOT NULL)
  )`);
  await knex.raw(
    'CREATE INDEX certificate_applications_user_idx ON certificate_applications (user_id, created_at DESC)',
  );
  await knex.raw(`CREATE INDEX certificate_applications_queue_idx ON certificate_applications (deadline, id)
    WHERE status IN ('submitted', 'in_progress')`);
  // The timeline a citizen and the clerk see (submitted, in progress, issued, emailed, …).
  await knex.raw(`CREATE TABLE certificate_events (
    id bigserial PRIMARY KEY,
    application_id int NOT NULL REFERENCES certificate_applications(id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('submitted', 'in_progress', 'issued', 'rejected', 'emailed',
      'posted', 'ready_for_pickup', 'handed_over', 'revoked')),
    note text,
    actor_id int REFERENCES users(id) ON DELETE SET NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp()
  )`);
  await knex.raw(
    'CREATE INDEX certificate_events_application_idx ON certificate_events (application_id, id)',
  );
  await knex.raw(`CREATE TABLE certificates (
    id serial PRIMARY KEY,
    application_id int NOT NULL UNIQUE REFERENCES certificate_applications(id),
    type_code text NOT NULL REFERENCES certificate_types(code),
    number text NOT NULL UNIQUE,
    -- 12 characters of an alphabet without look-alikes, stored without the dashes.
    verification_code text NOT NULL UNIQUE CHECK (verification_code ~ '^[2-9A-HJ-NP-Z]{12}$'),
    holder_name text NOT NULL,
    -- Whose seal the file bears (the signing certificate's subject when it was issued).
    sealed_by text NOT NULL,
    file_key text NOT NULL,
    file_sha256 text NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
    file_bytes int NOT NULL,
    -- What the document prints, and the fields a clerk corrected (field, from, to, reason).
    fields jsonb NOT NULL,
    corrections jsonb NOT NULL DEFAULT '[]',
    issued_at timestamptz NOT NULL DEFAULT now(),
    issued_by int REFERENCES users(id) ON DELETE SET NULL,
    valid_until date,
    revoked_at timestamptz,
    revoked_by int REFERENCES users(id) ON DELETE SET NULL,
    revocation_reason text,
    CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE certificates');
  await knex.raw('DROP TABLE certificate_events');
  await knex.raw('DROP TABLE certificate_applications');
  await knex.raw('DROP TABLE certificate_numbers');
  await knex.raw('DROP TABLE certificate_types');
}
