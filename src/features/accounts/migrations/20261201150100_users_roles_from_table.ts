import type { Knex } from 'knex';

/**
 * An account's roles are names from the `roles` table instead of a fixed CHECK list: a trigger
 * refuses an unknown name (check_violation, as the CHECK did), and a role still held by an
 * account cannot be deleted.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE users DROP CONSTRAINT users_roles_check');
  await knex.raw(`CREATE FUNCTION users_roles_known() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT unnest(NEW.roles) EXCEPT SELECT name FROM roles) THEN
        RAISE EXCEPTION 'unknown role in %', NEW.roles
          USING ERRCODE = 'check_violation', CONSTRAINT = 'users_roles_check', TABLE = 'users';
      END IF;
      RETURN NEW;
    END $$`);
  await knex.raw(`CREATE TRIGGER users_roles_known BEFORE INSERT OR UPDATE OF roles ON users
    FOR EACH ROW EXECUTE FUNCTION users_roles_known()`);
  await knex.raw(`CREATE FUNCTION roles_not_held() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM users WHERE OLD.name = ANY (roles)) THEN
        RAISE EXCEPTION 'role % is held by an account', OLD.name
          USING ERRCODE = 'foreign_key_violation', TABLE = 'roles';
      END IF;
      RETURN OLD;
    END $$`);
  await knex.raw(`CREATE TRIGGER roles_not_held BEFORE DELETE ON roles
    FOR EACH ROW EXECUTE FUNCTION roles_not_held()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER roles_not_held ON roles');
  await knex.raw('DROP FUNCTION roles_not_held()');
  await knex.raw('DROP TRIGGER users_roles_known ON users');
  await knex.raw('DROP FUNCTION users_roles_known()');
  await knex.raw(
    "ALTER TABLE users ADD CONSTRAINT users_roles_check CHECK (roles <@ ARRAY['clerk', 'editor', 'admin']::text[])",
  );
}
