import { createHash, randomInt } from 'node:crypto';
import type { Deps } from '../../deps.ts';
import { bindDeps } from '../../lib/bind-deps.ts';
import { classifyDatabaseError } from '../../db/database-errors.ts';
import { athensDate } from '../../lib/format.ts';
import type { UserRow } from '../accounts/users.repository.ts';
import {
  pollById,
  publishedPolls,
  statusOf,
  tallyOf,
  turnoutOf,
  votedPolls,
  voterOf,
  type Channel,
  type Poll,
  type PollRow,
  type VoterRow,
} from './polls.repository.ts';

/** At most this many options; a phone poll at most PHONE_OPTIONS_MAX (one keypad digit each, 9 and 0 kept). */
export const OPTIONS_MAX = 10;
export const PHONE_OPTIONS_MAX = 8;

/** Who is voting: the account as the session or the phone sign-in gives it. */
export type Voter = Pick<UserRow, 'id' | 'status' | 'roles' | 'identity_verified_at' | 'afm'>;

/** Why an account may not vote in a poll (whatever it would choose). */
export type Ineligible =
  /** Staff accounts are for work; staff vote with their own citizen account. */
  | 'staff'
  /** An account not yet activated (or disabled). */
  | 'inactive'
  /** The poll is for identity-verified accounts and this one is not. */
  | 'not_verified';

export type VoteRefusal =
  | 'not_found'
  | 'not_open'
  | 'closed'
  | 'not_by_phone'
  | 'no_such_option'
  /** The poll was edited after the voter saw its options (before anyone voted): look again. */
  | 'poll_changed'
  | 'already_voted'
  | Ineligible;

export type VoteResult =
  | { ok: true; votedOn: string; channel: Channel }
  | { ok: false; reason: VoteRefusal; voted?: VoterRow };

export interface VoteInput {
  user: Pick<Voter, 'id'>;
  pollId: number;
  /** The option's position, 1…n. */
  option: number;
  channel: Channel;
  /**
   * The poll as the voter saw it (`versionOf(poll)`): an editor may still change a poll nobody
   * has voted in, and a vote is only counted for the question and options the voter was shown.
   */
  version: string;
}

const UNIT = '\u001f';
const RECORD = '\u001e';

/**
 * What a voter is shown of a poll, as a digest a form or a phone menu carries: the question, the
 * description and the options in order (as written and as spoken on the phone), both languages
 * (the vote's transaction works out the
 * same digest in SQL, POLL_DIGEST, and compares).
 */
export function versionOf(
  poll: Pick<Poll, 'question_el' | 'question_en' | 'description_el' | 'description_en' | 'options'>,
): string {
  const text = [
    [poll.question_el, poll.question_en, poll.description_el, poll.description_en].join(UNIT),
    ...poll.options.map((option) =>
      [option.label_el, option.label_en, option.spoken_el ?? '', option.spoken_en ?? ''].join(UNIT),
    ),
  ].join(RECORD);
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** How many rows a poll's counts are spread over (the migration allows shards 0…15). */
const TALLY_SHARDS = 16;
const OPTION_COUNT =
  '(SELECT count(*) FROM poll_options o WHERE o.poll_id = p.id)::int AS option_count';

const POLL_DIGEST = `md5(concat_ws(E'\\x1e',
    concat_ws(E'\\x1f', p.question_el, p.question_en, p.description_el, p.description_en),
    (SELECT string_agg(concat_ws(E'\\x1f', o.label_el, o.label_en, coalesce(o.spoken_el, ''),
                                 coalesce(o.spoken_en, '')), E'\\x1e' ORDER BY o.position)
       FROM poll_options o WHERE o.poll_id = p.id))) AS digest`;

/**
 * A vote that failed for a reason of the database's (a lost connection): the error says which
 * (its SQLSTATE or the driver's words for a lost connection, which the error page reads to answer
 * 503 or 409) and nothing else. The driver's own error would carry the statement with its values,
 * the option among them, into the log.
 */
export class VoteFailedError extends Error {
  readonly code: string | undefined;
  readonly constraint: string | undefined;
  constructor(cause: unknown) {
    const info = classifyDatabaseError(cause);
    // A pool timeout is recognised by its name, which this error does not keep: say it in words.
    const code = info?.code === 'KnexTimeoutError' ? 'Timeout acquiring a connection' : info?.code;
    super(
      `vote not recorded (${code ?? 'unknown'}${info?.constraint ? `, ${info.constraint}` : ''})`,
    );
    this.name = 'VoteFailedError';
    this.code = code;
    this.constraint = info?.constraint;
  }
}

/** Whether this account may vote in this poll, or why not. */
export function eligibility(poll: Pick<Poll, 'electorate'>, user: Voter): Ineligible | undefined {
  if (user.roles.length) return 'staff';
  if (user.status !== 'active') return 'inactive';
  if (poll.electorate === 'verified' && !(user.identity_verified_at && user.afm))
    return 'not_verified';
  return undefined;
}

/**
 * The AFM a vote is counted under: in a poll for verified accounts only, where two accounts of
 * one person cannot both vote (elsewhere an account is a voter, and the AFM is not kept).
 */
function afmIn(poll: Pick<Poll, 'electorate'>, user: Voter): string | null {
  return poll.electorate === 'verified' && user.identity_verified_at && user.afm ? user.afm : null;
}

/** Who to look a vote up by: the account and, while its identity stands verified, its AFM. */
const lookupOf = (user: Voter) => ({
  id: user.id,
  afm: user.identity_verified_at && user.afm ? user.afm : null,
});

type PollsDeps = Pick<Deps, 'db' | 'clock'>;

const refuse = (reason: VoteRefusal) => ({ ok: false, reason }) as const;

/** The poll as a vote reads it: the row, its version stamp, what the voter was shown, the voter. */
type PollForVote = PollRow & {
  row_version: string;
  digest: string;
  option_count: number;
  voter: (Omit<Voter, 'identity_verified_at'> & { identity_verified_at: string | null }) | null;
};

/**
 * Casts a vote, web or phone alike, in two statements. The first reads the poll (its status, its
 * row's version stamp xmin, the digest of what voters are shown, how many options) and the voter's
 * account afresh (a session's copy may be older than a revoked identity check); the checks are
 * made on them here. The second is one statement, so one transaction and one round trip: it takes
 * the poll row FOR SHARE only if it is still the version read (an editor's change, a publish or
 * an early close made since gives the row a new xmin; one in progress holds the row, and the
 * statement waits for it and then sees the new version), inserts the voter row (its unique keys
 * refuse a second vote by the account or the AFM, however many race) and adds one to the option's
 * count in one of the poll's tally shards, picked at random (made by the first vote that lands on
 * it), so votes cast at once rarely wait for one row. If the poll changed in between, the vote is
 * looked at again from the start, once.
 */
export async function vote(deps: PollsDeps, input: VoteInput): Promise<VoteResult> {
  try {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const outcome = await tryVote(deps, input);
      if (outcome !== 'changed') return outcome;
    }
    return refuse('poll_changed');
  } catch (error) {
    throw new VoteFailedError(error);
  }
}

async function tryVote(deps: PollsDeps, input: VoteInput): Promise<VoteResult | 'changed'> {
  const { pollId, option, channel } = input;
  const poll = (await deps
    .db('polls as p')
    .select(
      'p.*',
      deps.db.raw('p.xmin::text AS row_version'),
      deps.db.raw(POLL_DIGEST),
      deps.db.raw(OPTION_COUNT),
      deps.db.raw(
        `(SELECT to_jsonb(u) FROM (SELECT id, status, roles, identity_verified_at, afm
            FROM users WHERE id = ?) u) AS voter`,
        [input.user.id],
      ),
    )
    .where('p.id', pollId)
    .first()) as PollForVote | undefined;
  const now = deps.clock.now();
  if (!poll) return refuse('not_found');
  const status = statusOf(poll, now);
  if (status === 'draft') return refuse('not_found');
  if (status === 'upcoming') return refuse('not_open');
  if (status === 'closed') return refuse('closed');
  if (channel === 'phone' && !poll.by_phone) return refuse('not_by_phone');
  if (poll.digest !== input.version) return refuse('poll_changed');
  if (!Number.isInteger(option) || option < 1 || option > poll.option_count)
    return refuse('no_such_option');
  if (!poll.voter) return refuse('inactive');
  const user: Voter = {
    ...poll.voter,
    identity_verified_at: poll.voter.identity_verified_at
      ? new Date(poll.voter.identity_verified_at)
      : null,
  };
  const ineligible = eligibility(poll, user);
  if (ineligible) return refuse(ineligible);
  const votedOn = athensDate(now);
  const cast: { rows: { held: number; counted: number }[] } = await deps.db.raw(
    `WITH poll AS (
       SELECT p.id FROM polls p
        WHERE p.id = ? AND p.xmin = ?::xid AND p.closed_early_at IS NULL AND p.closes_at > ?
        FOR SHARE
     ), voter AS (
       INSERT INTO poll_voters (poll_id, user_id, afm, channel, voted_on)
       SELECT id, ?, ?, ?, ? FROM poll
       ON CONFLICT DO NOTHING RETURNING poll_id
     ), counted AS (
       INSERT INTO poll_tallies AS t (poll_id, shard, votes)
       SELECT poll_id, ?, (SELECT array_agg((i = ?)::int ORDER BY i) FROM generate_series(1, ?::int) AS i)
         FROM voter
       ON CONFLICT (poll_id, shard) DO UPDATE SET votes[?::int] = t.votes[?::int] + 1
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM poll)::int AS held, (SELECT count(*) FROM counted)::int AS counted`,
    [
      pollId,
      poll.row_version,
      now,
      user.id,
      afmIn(poll, user),
      channel,
      votedOn,
      randomInt(TALLY_SHARDS),
      option,
      poll.option_count,
      option,
      option,
    ],
  );
  const [row] = cast.rows;
  if (!row?.held) return 'changed';
  if (row.counted) return { ok: true, votedOn, channel };
  const voted = await voterOf(deps.db, pollId, lookupOf(user));
  return { ok: false, reason: 'already_voted', ...(voted && { voted }) };
}

/** The poll, published or not (the routes decide who sees a draft). */
export function poll(deps: PollsDeps, id: number): Promise<Poll | undefined> {
  return pollById(deps.db, id);
}

/** The vote this account (or its AFM) cast in the poll: day and channel, never what. */
export function voted(deps: PollsDeps, pollId: number, user: Voter): Promise<VoterRow | undefined> {
  return voterOf(deps.db, pollId, lookupOf(user));
}

/** Published polls by status at this moment (open ones closing soonest first). */
export async function published(
  deps: PollsDeps,
): Promise<{ open: Poll[]; upcoming: Poll[]; closed: Poll[] }> {
  const now = deps.clock.now();
  const polls = await publishedPolls(deps.db);
  const open = polls.filter((p) => statusOf(p, now) === 'open').reverse();
  const upcoming = polls
    .filter((p) => statusOf(p, now) === 'upcoming')
    .sort((a, b) => a.opens_at.getTime() - b.opens_at.getTime());
  const closed = polls.filter((p) => statusOf(p, now) === 'closed');
  return { open, upcoming, closed };
}

/**
 * The open phone polls this caller may vote in, in a fixed order (the phone portal reads them out
 * by number), each with the vote already cast, if any.
 */
export async function phonePolls(
  deps: PollsDeps,
  user: Voter,
): Promise<{ poll: Poll; voted?: VoterRow }[]> {
  const { open } = await published(deps);
  const offered = open
    .filter((p) => p.by_phone && !eligibility(p, user))
    .sort((a, b) => a.id - b.id);
  const votes = await votedPolls(
    deps.db,
    offered.map((p) => p.id),
    lookupOf(user),
  );
  return offered.map((p) => ({ poll: p, ...(votes.has(p.id) && { voted: votes.get(p.id)! }) }));
}

/** The votes already cast by this account in these polls, by poll id. */
export function votesOf(
  deps: PollsDeps,
  pollIds: readonly number[],
  user: Voter,
): Promise<Map<number, VoterRow>> {
  return votedPolls(deps.db, pollIds, lookupOf(user));
}

/** How many have voted so far, per channel: what staff see while a poll runs. */
export async function turnout(deps: PollsDeps, pollId: number): Promise<Record<Channel, number>> {
  return (await turnoutOf(deps.db, [pollId])).get(pollId)!;
}

export interface PollResults {
  total: number;
  options: { position: number; votes: number }[];
  turnout: Record<Channel, number>;
}

/**
 * The results of a closed poll (as the caller has just read it): each option's count (the shares
 * are worked out where they are shown, results.ts: sharesOf), and how many voted by web and by
 * phone (never what each channel chose). Undefined while the poll has not closed: nobody sees
 * interim results.
 */
export async function results(deps: PollsDeps, poll: Poll): Promise<PollResults | undefined> {
  if (statusOf(poll, deps.clock.now()) !== 'closed') return undefined;
  const [counts, channels] = await Promise.all([
    tallyOf(deps.db, poll.id, poll.options.length),
    turnout(deps, poll.id),
  ]);
  return {
    total: counts.reduce((sum, n) => sum + n, 0),
    options: poll.options.map((option, i) => ({ position: option.position, votes: counts[i]! })),
    turnout: channels,
  };
}

export function createPollsService(deps: PollsDeps) {
  return bindDeps(deps, { vote, poll, voted, published, phonePolls, votesOf, turnout, results });
}
