import type { Knex } from 'knex';

/**
 * Calls to the phone portal: the call log staff read (when, which account, the menus visited, what
 * came of it, how long) and the state of a call in progress.
 *
 * A call moves in numbered steps: each answer's keypad question names the next step's number in
 * its URL, and a step is claimed (`busy_seq`) before it is worked out, so a provider's retry of a
 * step waits for the first and gets the same answer (`answer`) instead of doing it again. `state`
 * (where the caller is in the menus, what they chose so far) and `answer` are for the call in
 * progress only: both are emptied when the call ends or goes quiet (a vote being confirmed is in
 * them until then). Never stored: the PIN or any other digits typed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE phone_calls (
    id bigserial PRIMARY KEY,
    call_sid text NOT NULL UNIQUE CHECK (call_sid ~ '^[A-Za-z0-9-]{10,64}$'),
    caller_e164 text CHECK (caller_e164 ~ '^\\+[1-9][0-9]{6,14}$'),
    user_id integer REFERENCES users (id) ON DELETE SET NULL,
    lang text NOT NULL DEFAULT 'el' CHECK (lang IN ('el', 'en')),
    started_at timestamptz NOT NULL DEFAULT now(),
    last_step_at timestamptz NOT NULL DEFAULT now(),
    ended_at timestamptz,
    duration_seconds integer CHECK (duration_seconds >= 0),
    menus text[] NOT NULL DEFAULT '{}',
    outcomes text[] NOT NULL DEFAULT '{}',
    seq integer NOT NULL DEFAULT 0 CHECK (seq >= 0),
    busy_seq integer,
    busy_since timestamptz,
    answer text,
    state jsonb NOT NULL DEFAULT '{}'
  ) WITH (fillfactor = 70)`);
  await knex.raw('CREATE INDEX phone_calls_started_idx ON phone_calls (started_at DESC, id DESC)');
  await knex.raw(
    'CREATE INDEX phone_calls_user_idx ON phone_calls (user_id) WHERE user_id IS NOT NULL',
  );
  // No index on what each step changes (last_step_at, state, answer), and room left on each page
  // (fillfactor): a step's update stays on its page (HOT), with no index to update.
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE phone_calls');
}
