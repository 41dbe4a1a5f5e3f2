import type { Knex } from 'knex';

/**
 * Policy that staff change in the back office (deadlines, retention days): one row per setting
 * that differs from its default. A write announces itself like public content (NOTIFY
 * content_changed), so every process reads the new value at once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE settings (
    key text PRIMARY KEY CHECK (key ~ '^[a-z][a-z_]*\\.[A-Za-z]+$'),
    value jsonb NOT NULL,
    updated_by int REFERENCES users (id) ON DELETE SET NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw(`CREATE TRIGGER settings_notify_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON settings
    FOR EACH STATEMENT EXECUTE FUNCTION notify_content_changed()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE settings');
}
