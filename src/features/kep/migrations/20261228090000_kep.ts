import type { Knex } from 'knex';

/**
 * ΚΕΠ video appointments: the service areas, which clerks serve them and when, their absences,
 * the municipality's closures, and the appointments. Two booked appointments of one clerk never
 * overlap, buffers included: an exclusion constraint (btree_gist, for `clerk_id WITH =`) closes
 * the race that check-then-insert leaves open, whatever the booking code does.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS btree_gist');
  await knex.raw("INSERT INTO roles (name) VALUES ('kep_manager') ON CONFLICT DO NOTHING");
  await createAreas(knex);
  await createClerkTime(knex);
  await createAppointments(knex);
}

async function createAreas(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE kep_areas (
    id serial PRIMARY KEY,
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9-]{1,60}$'),
    name_el text NOT NULL CHECK (length(name_el) BETWEEN 1 AND 200),
    name_en text NOT NULL CHECK (length(name_en) BETWEEN 1 AND 200),
    minutes integer NOT NULL CHECK (minutes BETWEEN 10 AND 180),
    active boolean NOT NULL DEFAULT true,
    position integer NOT NULL DEFAULT 0
  )`);
  // Reference data: the areas myKEPlive offers; staff change lengths and names in the settings.
  await knex.raw(`INSERT INTO kep_areas (slug, name_el, name_en, minutes, position) VALUES
    ('information-applications', 'Πληροφόρηση-Αίτηση', 'Information and applications', 20, 1),
    ('businesses', 'Υπηρεσίες προς Επιχειρήσεις', 'Services to businesses', 30, 2),
    ('disability', 'Εξυπηρέτηση Πολιτών με Αναπηρία', 'Service for citizens with disabilities', 30, 3),
    ('municipal', 'Δημοτικές Υπηρεσίες', 'Municipal services', 20, 4)`);
}

async function createClerkTime(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE kep_clerk_areas (
    clerk_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    area_id integer NOT NULL REFERENCES kep_areas (id) ON DELETE CASCADE,
    PRIMARY KEY (clerk_id, area_id)
  )`);
  await knex.raw('CREATE INDEX kep_clerk_areas_area_idx ON kep_clerk_areas (area_id)');
  // Weekly hours in Athens wall time; a break is the gap between two rows of a weekday. Rows of
  // one weekday may touch (09:00–11:00, 11:00–15:00) but not overlap: a slot would be offered twice.
  await knex.raw(`CREATE TABLE kep_clerk_hours (
    id serial PRIMARY KEY,
    clerk_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    weekday smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    starts time NOT NULL,
    ends time NOT NULL,
    CHECK (starts < ends),
    CONSTRAINT kep_clerk_hours_no_overlap EXCLUDE USING gist (
      clerk_id WITH =, weekday WITH =,
      tsrange('2000-01-01'::date + starts, '2000-01-01'::date + ends) WITH &&)
  )`);
  // Date ranges are kept as PostgreSQL canonicalises them, [from, to + 1): entered inclusive.
  await knex.raw(`CREATE TABLE kep_absences (
    id serial PRIMARY KEY,
    clerk_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    during daterange NOT NULL CHECK (NOT isempty(during) AND NOT lower_inf(during) AND NOT upper_inf(during)),
    reason text CHECK (length(reason) <= 500)
  )`);
  await knex.raw(
    'CREATE INDEX kep_absences_clerk_idx ON kep_absences USING gist (clerk_id, during)',
  );
  await knex.raw(`CREATE TABLE kep_closures (
    id serial PRIMARY KEY,
    during daterange NOT NULL CHECK (NOT isempty(during) AND NOT lower_inf(during) AND NOT upper_inf(during)),
    reason text CHECK (length(reason) <= 500)
  )`);
  await knex.raw('CREATE INDEX kep_closures_during_idx ON kep_closures USING gist (during)');
}

async function createAppointments(knex: Knex): Promise<void> {
  // References come from a sequence: no row to lock, so concurrent bookings do not queue on it.
  await knex.raw('CREATE SEQUENCE kep_appointment_numbers');
  await knex.raw(`CREATE TABLE kep_appointments (
    id serial PRIMARY KEY,
    reference text NOT NULL UNIQUE CHECK (reference ~ '^ΚΕΠ-[0-9]{4}-[0-9]{6,}$'),
    area_id integer NOT NULL REFERENCES kep_areas (id),
    clerk_id integer NOT NULL REFERENCES users (id),
    citizen_id integer REFERENCES users (id) ON DELETE SET NULL,
    afm text NOT NULL CHECK (afm ~ '^[0-9]{9}$'),
    full_name text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    phone_e164 text CHECK (phone_e164 ~ '^\\+[1-9][0-9]{6,14}$'),
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    buffered tstzrange NOT NULL,
    postal_address text CHECK (length(postal_address) <= 300),
    -- How the resulting document reaches the citizen.
    delivery text NOT NULL DEFAULT 'email' CHECK (delivery IN ('email', 'post', 'pickup')),
    -- Accessibility needs: special-category data, seen by the assigned clerk and ΚΕΠ managers
    -- only, erased by the retention job N days after the appointment (needs_erased_at).
    needs_sign_language boolean NOT NULL DEFAULT false,
    needs_lip_reading boolean NOT NULL DEFAULT false,
    needs_other text CHECK (length(needs_other) <= 1000),
    needs_erased_at timestamptz,
    -- The language the citizen booked in: their mails are written in it.
    lang text NOT NULL DEFAULT 'el' CHECK (lang IN ('el', 'en')),
    -- The video call's room: unguessable, fixed for the appointment's life (the next issue's call).
    room text NOT NULL UNIQUE CHECK (room ~ '^[A-Za-z0-9_-]{20,64}$'),
    -- A clerk who booked it for someone who phoned or came to the counter.
    booked_by integer REFERENCES users (id) ON DELETE SET NULL,
    -- A rescheduled appointment keeps its row and points to the one that replaced it.
    rescheduled_to integer REFERENCES kep_appointments (id),
    status text NOT NULL DEFAULT 'booked'
      CHECK (status IN ('booked', 'cancelled', 'rescheduled', 'no_show', 'done')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    cancelled_at timestamptz,
    cancelled_by text CHECK (cancelled_by IN ('citizen', 'kep')),
    cancel_reason text CHECK (length(cancel_reason) <= 1000),
    -- Each reminder is enqueued once: the mark is written in the enqueue's transaction.
    first_reminder_at timestamptz,
    second_reminder_at timestamptz,
    CHECK (starts_at < ends_at),
    CHECK (rescheduled_to IS NULL OR status = 'rescheduled'),
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
    CHECK (buffered @> tstzrange(starts_at, ends_at)),
    CONSTRAINT kep_appointments_no_overlap
      EXCLUDE USING gist (clerk_id WITH =, buffered WITH &&) WHERE (status = 'booked')
  )`);
  await knex.raw(
    'CREATE INDEX kep_appointments_clerk_idx ON kep_appointments (clerk_id, starts_at)',
  );
  await knex.raw('CREATE INDEX kep_appointments_afm_idx ON kep_appointments (afm, status)');
  await knex.raw('CREATE INDEX kep_appointments_citizen_idx ON kep_appointments (citizen_id)');
  await knex.raw(
    "CREATE INDEX kep_appointments_upcoming_idx ON kep_appointments (starts_at) WHERE status = 'booked'",
  );
  // The documents the citizen will show, uploaded with the booking (deleted by retention).
  await knex.raw(`CREATE TABLE kep_documents (
    id serial PRIMARY KEY,
    appointment_id integer NOT NULL REFERENCES kep_appointments (id) ON DELETE CASCADE,
    document_key text NOT NULL UNIQUE,
    file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
    content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 10485760),
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw('CREATE INDEX kep_documents_appointment_idx ON kep_documents (appointment_id)');
  // Manage links (/kep/manage/<token>): each mail carries a new one, stored hashed; all of an
  // appointment's links work until it ends.
  await knex.raw(`CREATE TABLE kep_manage_tokens (
    token_hash text PRIMARY KEY,
    appointment_id integer NOT NULL REFERENCES kep_appointments (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw(
    'CREATE INDEX kep_manage_tokens_appointment_idx ON kep_manage_tokens (appointment_id)',
  );
  // The .ics files attached to the appointment mails, removed by the retention job once sent.
  await knex.raw(`CREATE TABLE kep_mail_files (
    document_key text PRIMARY KEY,
    appointment_id integer NOT NULL REFERENCES kep_appointments (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw('CREATE INDEX kep_mail_files_created_idx ON kep_mail_files (created_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE kep_mail_files');
  await knex.raw('DROP TABLE kep_manage_tokens');
  await knex.raw('DROP TABLE kep_documents');
  await knex.raw('DROP TABLE kep_appointments');
  await knex.raw('DROP SEQUENCE kep_appointment_numbers');
  await knex.raw('DROP TABLE kep_closures');
  await knex.raw('DROP TABLE kep_absences');
  await knex.raw('DROP TABLE kep_clerk_hours');
  await knex.raw('DROP TABLE kep_clerk_areas');
  await knex.raw('DROP TABLE kep_areas');
  await knex.raw("DELETE FROM roles WHERE name = 'kep_manager'");
  // btree_gist stays: another module may index with it by then, and dropping it gains nothing.
}
