import type { Knex } from 'knex';

/**
 * A deleted account's appointments (/account/delete) stay for the ΚΕΠ's statistics (area, times,
 * status, clerk) with nothing that names the person: their AFM, name and email may be emptied,
 * and `personal_erased_at` says when. A call's helper keeps their relation and times once their
 * name and email are gone (the retention rule kep.retention, or the citizen's erasure).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE kep_appointments
    ADD COLUMN personal_erased_at timestamptz,
    ALTER COLUMN afm DROP NOT NULL,
    ALTER COLUMN full_name DROP NOT NULL,
    ALTER COLUMN email DROP NOT NULL,
    ADD CONSTRAINT kep_appointments_named
      CHECK (personal_erased_at IS NOT NULL OR (afm IS NOT NULL AND full_name IS NOT NULL AND email IS NOT NULL))`);
  await knex.raw(`ALTER TABLE kep_call_guests
    ALTER COLUMN name DROP NOT NULL,
    ALTER COLUMN email DROP NOT NULL`);
}

export async function down(knex: Knex): Promise<void> {
  // What was emptied cannot come back: the rows get placeholders the old checks accept.
  await knex.raw(`UPDATE kep_call_guests SET name = coalesce(name, '-'),
    email = coalesce(email, 'erased@invalid') WHERE name IS NULL OR email IS NULL`);
  await knex.raw(`ALTER TABLE kep_call_guests
    ALTER COLUMN name SET NOT NULL,
    ALTER COLUMN email SET NOT NULL`);
  await knex.raw(`UPDATE kep_appointments SET afm = coalesce(afm, '000000000'),
    full_name = coalesce(full_name, '-'), email = coalesce(email, 'erased@invalid')
    WHERE personal_erased_at IS NOT NULL`);
  await knex.raw(`ALTER TABLE kep_appointments
    DROP CONSTRAINT kep_appointments_named,
    ALTER COLUMN afm SET NOT NULL,
    ALTER COLUMN full_name SET NOT NULL,
    ALTER COLUMN email SET NOT NULL,
    DROP COLUMN personal_erased_at`);
}
