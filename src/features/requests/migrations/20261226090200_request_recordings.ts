import type { Knex } from 'knex';

/**
 * The recording a caller left when filing a request by phone: noted when the request is filed
 * (the provider's recording SID and length), then fetched from the provider by a job and kept in
 * the document store (`stored_name`, `content_type`, `size`, `fetched_at`), or given up on
 * (`failed_at`). `attempts`: the job's tries so far. One recording per request, and a recording
 * files one request only (a provider's retry finds it taken).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE request_recordings (
    id bigserial PRIMARY KEY,
    request_id bigint NOT NULL UNIQUE REFERENCES requests (id) ON DELETE CASCADE,
    recording_sid text NOT NULL UNIQUE CHECK (recording_sid ~ '^[A-Za-z0-9-]{10,64}$'),
    duration_seconds integer NOT NULL CHECK (duration_seconds BETWEEN 0 AND 86400),
    stored_name text UNIQUE CHECK (stored_name ~ '^[0-9a-f-]{36}\\.(wav|mp3)$'),
    content_type text CHECK (content_type IN ('audio/wav', 'audio/mpeg')),
    size integer CHECK (size > 0),
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    fetched_at timestamptz,
    failed_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((stored_name IS NULL) = (fetched_at IS NULL)
       AND (content_type IS NULL) = (fetched_at IS NULL)
       AND (size IS NULL) = (fetched_at IS NULL)),
    CHECK (fetched_at IS NULL OR failed_at IS NULL)
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE request_recordings');
}
