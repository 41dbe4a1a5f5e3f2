import type { Knex } from 'knex';

/**
 * The video call of a ΚΕΠ appointment, and what came of it. Nothing of the call itself is
 * stored (no picture, sound or chat): only who entered when, the identity check's facts as the
 * counter keeps them (the document's number masked), the outcome and how the result was sent.
 */
export async function up(knex: Knex): Promise<void> {
  // One row per appointment whose call has begun: the identity check, sound only, the outcome.
  await knex.raw(`CREATE TABLE kep_calls (
    appointment_id integer PRIMARY KEY REFERENCES kep_appointments (id) ON DELETE CASCADE,
    identity_result text CHECK (identity_result IN ('confirmed', 'not_confirmed')),
    identity_document_type text
      CHECK (identity_document_type IN ('identity_card', 'passport', 'residence_permit')),
    identity_document_masked text CHECK (length(identity_document_masked) <= 40),
    identity_fail_reason text CHECK (length(identity_fail_reason) <= 1000),
    -- What the check did to the account: verified it, or why not.
    identity_account text CHECK (identity_account IN
      ('verified', 'already_verified', 'afm_conflict', 'setting_off', 'no_account')),
    identity_checked_at timestamptz,
    identity_checked_by integer REFERENCES users (id) ON DELETE SET NULL,
    audio_only_at timestamptz,
    outcome text CHECK (outcome IN ('served', 'documents_missing', 'no_show', 'technical_failure')),
    outcome_requested text CHECK (length(outcome_requested) <= 2000),
    outcome_at timestamptz,
    outcome_by integer REFERENCES users (id) ON DELETE SET NULL,
    -- How the resulting document reached the citizen.
    delivery_state text CHECK (delivery_state IN ('emailed', 'posted', 'pickup_ready')),
    delivered_at timestamptz,
    delivered_by integer REFERENCES users (id) ON DELETE SET NULL,
    result_document_key text,
    result_file_name text CHECK (length(result_file_name) <= 200),
    CHECK ((identity_result IS NULL) = (identity_checked_at IS NULL)),
    CHECK ((outcome IS NULL) = (outcome_at IS NULL)),
    CHECK ((delivery_state IS NULL) = (delivered_at IS NULL)),
    CHECK (delivery_state IS NULL OR outcome IS NOT NULL)
  )`);

  // A third person the clerk invited (a sign-language interpreter, a relative): their
  // invitation is a one-time link (purpose 'kep_guest'), its data naming this row.
  await knex.raw(`CREATE TABLE kep_call_guests (
    id serial PRIMARY KEY,
    appointment_id integer NOT NULL REFERENCES kep_appointments (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    relation text NOT NULL CHECK (relation IN ('interpreter', 'relative', 'other')),
    invited_by integer REFERENCES users (id) ON DELETE SET NULL,
    invited_at timestamptz NOT NULL DEFAULT now(),
    token_issued_at timestamptz,
    admitted_at timestamptz,
    admitted_by integer REFERENCES users (id) ON DELETE SET NULL
  )`);
  await knex.raw(
    'CREATE INDEX kep_call_guests_appointment_idx ON kep_call_guests (appointment_id)',
  );

  // Who entered the call when (a token issued to them): never media, never chat.
  await knex.raw(`CREATE TABLE kep_call_joins (
    id bigserial PRIMARY KEY,
    appointment_id integer NOT NULL REFERENCES kep_appointments (id) ON DELETE CASCADE,
    role text NOT NULL CHECK (role IN ('clerk', 'citizen', 'guest')),
    user_id integer REFERENCES users (id) ON DELETE SET NULL,
    guest_id integer REFERENCES kep_call_guests (id) ON DELETE CASCADE,
    joined_at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw(
    'CREATE INDEX kep_call_joins_appointment_idx ON kep_call_joins (appointment_id, joined_at)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE kep_call_joins');
  await knex.raw('DROP TABLE kep_call_guests');
  await knex.raw('DROP TABLE kep_calls');
}
