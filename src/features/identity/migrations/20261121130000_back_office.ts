import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Drafts (e.g. imported from Diavgeia) may lack a number or category until an editor sets them.
  await knex.raw('ALTER TABLE decisions ALTER COLUMN number DROP NOT NULL');
  await knex.raw('ALTER TABLE decisions ALTER COLUMN category_id DROP NOT NULL');
  await knex.raw(`ALTER TABLE decisions ADD CONSTRAINT decisions_published_complete
    CHECK (status = 'draft' OR (number IS NOT NULL AND category_id IS NOT NULL))`);
  await knex.raw('ALTER TABLE decisions ADD COLUMN source_url text');

  // The audit log also records content changes: which item, before and after.
  await knex.raw('ALTER TABLE audit_log ADD COLUMN entity_type text');
  await knex.raw('ALTER TABLE audit_log ADD COLUMN entity_id int');
  await knex.raw(
    'CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, at DESC)',
  );
  await knex.raw('CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at DESC)');

  // In-person identity checks at the counter.
  await knex.raw("ALTER TABLE users ADD COLUMN afm text CHECK (afm ~ '^[0-9]{9}$')");
  await knex.raw(
    'CREATE UNIQUE INDEX users_verified_afm_key ON users (afm) WHERE identity_verified_at IS NOT NULL',
  );
  await knex.raw(`CREATE TABLE identity_checks (
    id serial PRIMARY KEY,
    user_id int NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    clerk_id int REFERENCES users(id) ON DELETE SET NULL,
    document_type text NOT NULL CHECK (document_type IN ('identity_card', 'passport', 'residence_permit')),
    document_number_masked text NOT NULL,
    afm text NOT NULL CHECK (afm ~ '^[0-9]{9}$'),
    checked_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    revoked_by int REFERENCES users(id) ON DELETE SET NULL,
    revoke_reason text
  )`);
  await knex.raw(
    'CREATE INDEX identity_checks_user_idx ON identity_checks (user_id, checked_at DESC)',
  );

  // Finding a citizen by part of a name, username, email or phone, whatever the accents, case
  // and final sigma (ΜΑΝΩΛΑΚΗΣ finds Μανωλάκης).
  await knex.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm');
  await knex.raw(`CREATE FUNCTION public.search_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT translate(lower(public.unaccent('public.unaccent'::regdictionary, $1)), 'ς', 'σ') $$`);
  await knex.raw(`CREATE INDEX users_search_idx ON users USING gin (
    public.search_fold(full_name || ' ' || username || ' ' || email || ' ' || coalesce(phone_e164, '')) gin_trgm_ops)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS users_search_idx');
  await knex.raw('DROP FUNCTION IF EXISTS public.search_fold(text)');
  await knex.schema.dropTable('identity_checks');
  await knex.raw('DROP INDEX IF EXISTS users_verified_afm_key');
  await knex.raw('ALTER TABLE users DROP COLUMN afm');
  await knex.raw('DROP INDEX IF EXISTS audit_log_actor_idx');
  await knex.raw('DROP INDEX IF EXISTS audit_log_entity_idx');
  await knex.raw('ALTER TABLE audit_log DROP COLUMN entity_id, DROP COLUMN entity_type');
  await knex.raw('ALTER TABLE decisions DROP COLUMN source_url');
  await knex.raw('ALTER TABLE decisions DROP CONSTRAINT decisions_published_complete');
}
