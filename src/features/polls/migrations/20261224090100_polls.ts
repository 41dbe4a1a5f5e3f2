import type { Knex } from 'knex';

/**
 * Polls (ψηφοφορίες): a question with its options, who may vote, when, and whether by phone too.
 *
 * Secret ballots. Who voted is one table (`poll_voters`: a poll, an account, the AFM where the
 * poll needs one, the channel and the day); what was voted is another (`poll_tallies`: rows per poll
 * holding the count of every option as an array). Both are written in one transaction, and
 * nothing joins them: a tally row has no user key, no id of its own and no time. (Someone reading
 * the database directly can still match a tally row's versions to voter rows by the transaction
 * that wrote both, xmin: see the README's section on secret ballots.) The unique keys on
 * `poll_voters` are what makes "one vote per account" and, where the poll asks for verified
 * accounts, "one vote per AFM" hold however many requests race.
 *
 * A poll is frozen by its first vote: a trigger refuses any change to it or its options once a
 * voter exists, except closing it early (with a reason, audited by the service).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE polls (
    id serial PRIMARY KEY,
    question_el text NOT NULL CHECK (char_length(question_el) BETWEEN 1 AND 300),
    question_en text NOT NULL CHECK (char_length(question_en) BETWEEN 1 AND 300),
    description_el text NOT NULL DEFAULT '' CHECK (char_length(description_el) <= 4000),
    description_en text NOT NULL DEFAULT '' CHECK (char_length(description_en) <= 4000),
    opens_at timestamptz NOT NULL,
    closes_at timestamptz NOT NULL,
    -- Every activated account, or identity-verified accounts only (then one vote per AFM).
    electorate text NOT NULL CHECK (electorate IN ('accounts', 'verified')),
    by_phone boolean NOT NULL DEFAULT false,
    published_at timestamptz,
    closed_early_at timestamptz,
    closed_early_by int REFERENCES users(id) ON DELETE SET NULL,
    closed_early_reason text CHECK (char_length(closed_early_reason) <= 500),
    created_by int REFERENCES users(id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_by int REFERENCES users(id) ON DELETE SET NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (closes_at > opens_at),
    CHECK ((closed_early_at IS NULL) = (coalesce(closed_early_reason, '') = '')),
    CHECK (closed_early_at IS NULL OR published_at IS NOT NULL)
  )`);
  await knex.raw(
    'CREATE INDEX polls_published_idx ON polls (closes_at DESC) WHERE published_at IS NOT NULL',
  );
  // Options in order; a phone poll's options each have a short label read out by the phone portal.
  await knex.raw(`CREATE TABLE poll_options (
    poll_id int NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
    position smallint NOT NULL CHECK (position BETWEEN 1 AND 10),
    label_el text NOT NULL CHECK (char_length(label_el) BETWEEN 1 AND 200),
    label_en text NOT NULL CHECK (char_length(label_en) BETWEEN 1 AND 200),
    spoken_el text CHECK (char_length(spoken_el) BETWEEN 1 AND 60),
    spoken_en text CHECK (char_length(spoken_en) BETWEEN 1 AND 60),
    PRIMARY KEY (poll_id, position)
  )`);
  // The counts, votes[i] for option i: the only place a choice is kept. A poll's counts are
  // spread over up to 16 rows (shards, each vote adding to one picked at random; the results are
  // their sum), so votes cast at the same moment do not queue for one row's lock. A shard's row
  // is made by the first vote that lands on it: a poll nobody voted in has none.
  await knex.raw(`CREATE TABLE poll_tallies (
    poll_id int NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
    shard smallint NOT NULL CHECK (shard BETWEEN 0 AND 15),
    votes int[] NOT NULL CHECK (cardinality(votes) BETWEEN 2 AND 10 AND 0 <= ALL (votes)),
    PRIMARY KEY (poll_id, shard)
  )`);
  // Who voted: never what. The day only (the page says "you voted on …"), no finer time.
  await knex.raw(`CREATE TABLE poll_voters (
    poll_id int NOT NULL REFERENCES polls(id) ON DELETE RESTRICT,
    user_id int REFERENCES users(id) ON DELETE SET NULL,
    afm text CHECK (afm ~ '^[0-9]{9}$'),
    channel text NOT NULL CHECK (channel IN ('web', 'phone')),
    voted_on date NOT NULL,
    CONSTRAINT poll_voters_account_key UNIQUE (poll_id, user_id),
    CONSTRAINT poll_voters_afm_key UNIQUE (poll_id, afm)
  )`);
  await knex.raw('CREATE INDEX poll_voters_user_idx ON poll_voters (user_id)');

  // The first vote freezes the poll: its question, options, times and electorate stay as voted on.
  await knex.raw(`CREATE FUNCTION poll_refuse_if_voted(target int) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM poll_voters WHERE poll_id = target) THEN
        RAISE EXCEPTION 'poll % has votes and cannot change', target
          USING ERRCODE = 'check_violation', CONSTRAINT = 'polls_frozen_by_votes';
      END IF;
    END $$`);
  // Closing early (once) is the one change a poll with votes takes; and a staff account's
  // deletion may blank who wrote, changed or closed it (the audit log keeps who did).
  await knex.raw(`CREATE FUNCTION polls_frozen_by_votes() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      staff text[] := ARRAY['created_by', 'updated_by', 'closed_early_by'];
      closing text[] := ARRAY['closed_early_at', 'closed_early_by', 'closed_early_reason',
        'updated_at', 'updated_by'];
    BEGIN
      IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - staff) = (to_jsonb(OLD) - staff)
        AND (NEW.created_by IS NULL OR NEW.created_by IS NOT DISTINCT FROM OLD.created_by)
        AND (NEW.updated_by IS NULL OR NEW.updated_by IS NOT DISTINCT FROM OLD.updated_by)
        AND (NEW.closed_early_by IS NULL
          OR NEW.closed_early_by IS NOT DISTINCT FROM OLD.closed_early_by) THEN
        RETURN NEW;
      END IF;
      IF TG_OP = 'UPDATE' AND OLD.closed_early_at IS NULL
        AND (to_jsonb(NEW) - closing) = (to_jsonb(OLD) - closing) THEN
        RETURN NEW;
      END IF;
      PERFORM poll_refuse_if_voted(OLD.id);
      RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END $$`);
  await knex.raw(`CREATE FUNCTION poll_options_frozen_by_votes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM poll_refuse_if_voted(CASE WHEN TG_OP = 'INSERT' THEN NEW.poll_id ELSE OLD.poll_id END);
      RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END $$`);
  await knex.raw(`CREATE TRIGGER polls_frozen BEFORE UPDATE OR DELETE ON polls
    FOR EACH ROW EXECUTE FUNCTION polls_frozen_by_votes()`);
  await knex.raw(`CREATE TRIGGER poll_options_frozen BEFORE INSERT OR UPDATE OR DELETE ON poll_options
    FOR EACH ROW EXECUTE FUNCTION poll_options_frozen_by_votes()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS poll_voters, poll_tallies, poll_options, polls');
  await knex.raw(
    'DROP FUNCTION IF EXISTS polls_frozen_by_votes(), poll_options_frozen_by_votes(), poll_refuse_if_voted(int)',
  );
}
