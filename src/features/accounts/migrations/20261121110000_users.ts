import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await createUsers(knex);
  await createUserTokens(knex);
  await createAuditLog(knex);
  await createRateLimitsAndMailbox(knex);
}

async function createUsers(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE users (
    id serial PRIMARY KEY,
    username text NOT NULL CHECK (username ~ '^[A-Za-z0-9._-]{3,32}$'),
    full_name text NOT NULL CHECK (length(full_name) BETWEEN 1 AND 200),
    email text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    phone_e164 text CHECK (phone_e164 ~ '^\\+[1-9][0-9]{6,14}$'),
    password_hash text NOT NULL,
    ivr_pin_hash text,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'disabled')),
    roles text[] NOT NULL DEFAULT '{}' CHECK (roles <@ ARRAY['clerk', 'editor', 'admin']::text[]),
    identity_verified_at timestamptz,
    lang text NOT NULL DEFAULT 'el' CHECK (lang IN ('el', 'en')),
    failed_logins int NOT NULL DEFAULT 0,
    locked_until timestamptz,
    activated_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw('CREATE UNIQUE INDEX users_username_key ON users (lower(username))');
  await knex.raw('CREATE UNIQUE INDEX users_email_key ON users (lower(email))');
  // The phone line finds a caller by number: at most one active account per number.
  await knex.raw(
    `CREATE UNIQUE INDEX users_active_phone_key ON users (phone_e164) WHERE status = 'active'`,
  );
}

async function createUserTokens(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE user_tokens (
    id serial PRIMARY KEY,
    user_id int NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    purpose text NOT NULL CHECK (purpose IN ('activation', 'password_reset', 'email_change', 'staff_invite')),
    token_hash text NOT NULL UNIQUE,
    data jsonb NOT NULL DEFAULT '{}'::jsonb,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw('CREATE INDEX user_tokens_user_idx ON user_tokens (user_id, purpose)');
}

async function createAuditLog(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE audit_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    action text NOT NULL,
    actor_id int REFERENCES users(id) ON DELETE SET NULL,
    user_id int REFERENCES users(id) ON DELETE SET NULL,
    ip text,
    request_id text,
    details jsonb NOT NULL DEFAULT '{}'::jsonb
  )`);
  await knex.raw('CREATE INDEX audit_log_user_idx ON audit_log (user_id, at DESC)');
  await knex.raw('CREATE INDEX audit_log_at_idx ON audit_log (at DESC)');
}

async function createRateLimitsAndMailbox(knex: Knex): Promise<void> {
  // Fixed-window counters shared by every process: rate limits hold however many processes run.
  await knex.raw(`CREATE UNLOGGED TABLE rate_limits (
    key text NOT NULL,
    window_start timestamptz NOT NULL,
    hits int NOT NULL DEFAULT 1,
    PRIMARY KEY (key, window_start)
  )`);

  // Development mailbox: where mail goes when no SMTP server is configured.
  await knex.raw(`CREATE TABLE dev_mailbox (
    id serial PRIMARY KEY,
    to_address text NOT NULL,
    subject text NOT NULL,
    html text NOT NULL,
    text text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['dev_mailbox', 'rate_limits', 'audit_log', 'user_tokens', 'users'])
    await knex.schema.dropTable(table);
}
