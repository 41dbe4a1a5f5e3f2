import type { Deps } from '../../deps.ts';
import { bindDeps } from '../../lib/bind-deps.ts';
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
  | 'already_voted'
  | Ineligible;

export type VoteResult =
  | { ok: true; votedOn: string; channel: Channel }
  | { ok: false; reason: VoteRefusal; voted?: VoterRow };

export interface VoteInput {
  user: Voter;
  pollId: number;
  /** The option's position, 1…n. */
  option: number;
  channel: Channel;
}

/**
 * A vote that failed for a reason of the database's (a lost connection): the error says which
 * (code and constraint) and nothing else. The driver's own error would carry the statement with
 * its values, the option among them, into the log.
 */
export class VoteFailedError extends Error {
  constructor(cause: unknown) {
    const { code, constraint } = (cause ?? {}) as { code?: unknown; constraint?: unknown };
    super(
      `vote not recorded (${typeof code === 'string' ? code : 'no code'}${
        typeof constraint === 'string' ? `, ${constraint}` : ''
      })`,
    );
    this.name = 'VoteFailedError';
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
 * The AFM a vote is counted under: in a poll for verified accounts always (two accounts of one
 * person cannot both vote); in a poll open to every account, when the account has a verified
 * one, so a verified person's second account cannot add a vote either.
 */
function afmOf(user: Voter): string | null {
  return user.identity_verified_at && user.afm ? user.afm : null;
}

type PollsDeps = Pick<Deps, 'db' | 'clock'>;

/**
 * Casts a vote, web or phone alike. In one transaction: the poll row is read FOR SHARE (an
 * editor's change or an early close waits for the votes in flight, and a vote after the close
 * sees it), the voter row goes in (its unique keys refuse a second vote by the account or the
 * AFM, however many race), then the option's count goes up by one. The tally row is taken
 * last, so the lock every voter of the poll waits for is held for one statement and the commit.
 */
export async function vote(deps: PollsDeps, input: VoteInput): Promise<VoteResult> {
  const { user, pollId, option, channel } = input;
  const now = deps.clock.now();
  const votedOn = athensDate(now);
  try {
    return await deps.db.transaction(async (trx) => {
      const poll = (await trx('polls').where({ id: pollId }).forShare().first()) as
        Poll | undefined;
      if (!poll) return { ok: false, reason: 'not_found' } as const;
      const status = statusOf(poll, now);
      if (status === 'draft') return { ok: false, reason: 'not_found' } as const;
      if (status === 'upcoming') return { ok: false, reason: 'not_open' } as const;
      if (status === 'closed') return { ok: false, reason: 'closed' } as const;
      if (channel === 'phone' && !poll.by_phone)
        return { ok: false, reason: 'not_by_phone' } as const;
      const ineligible = eligibility(poll, user);
      if (ineligible) return { ok: false, reason: ineligible } as const;
      const inserted: { rowCount: number } = await trx.raw(
        `INSERT INTO poll_voters (poll_id, user_id, afm, channel, voted_on)
         VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING poll_id`,
        [pollId, user.id, afmOf(user), channel, votedOn],
      );
      if (!inserted.rowCount) {
        const voted = await voterOf(trx, pollId, user);
        return { ok: false, reason: 'already_voted', ...(voted && { voted }) } as const;
      }
      const counted: { rowCount: number } = await trx.raw(
        `UPDATE poll_tallies SET votes[?::int] = votes[?::int] + 1
          WHERE poll_id = ? AND ?::int BETWEEN 1 AND cardinality(votes)`,
        [option, option, pollId, option],
      );
      // No such option: undo the voter row too (the whole transaction), as if nothing was sent.
      if (!counted.rowCount) throw new NoSuchOption();
      return { ok: true, votedOn, channel } as const;
    });
  } catch (error) {
    if (error instanceof NoSuchOption) return { ok: false, reason: 'no_such_option' };
    throw new VoteFailedError(error);
  }
}

class NoSuchOption extends Error {}

/** The poll, published or not (the routes decide who sees a draft). */
export function poll(deps: PollsDeps, id: number): Promise<Poll | undefined> {
  return pollById(deps.db, id);
}

/** The vote this account (or its AFM) cast in the poll: day and channel, never what. */
export function voted(deps: PollsDeps, pollId: number, user: Voter): Promise<VoterRow | undefined> {
  return voterOf(deps.db, pollId, { id: user.id, afm: afmOf(user) });
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
    { id: user.id, afm: afmOf(user) },
  );
  return offered.map((p) => ({ poll: p, ...(votes.has(p.id) && { voted: votes.get(p.id)! }) }));
}

/** The votes already cast by this account in these polls, by poll id. */
export function votesOf(
  deps: PollsDeps,
  pollIds: readonly number[],
  user: Voter,
): Promise<Map<number, VoterRow>> {
  return votedPolls(deps.db, pollIds, { id: user.id, afm: afmOf(user) });
}

/** How many have voted so far, per channel: what staff see while a poll runs. */
export async function turnout(deps: PollsDeps, pollId: number): Promise<Record<Channel, number>> {
  return (await turnoutOf(deps.db, [pollId])).get(pollId)!;
}

export interface PollResults {
  total: number;
  options: { position: number; votes: number; percent: number }[];
  turnout: Record<Channel, number>;
}

/**
 * The results of a closed poll: each option's count and share of the votes (one decimal), and
 * how many voted by web and by phone (never what each channel chose). Undefined while the poll
 * has not closed: nobody sees interim results.
 */
export async function results(deps: PollsDeps, id: number): Promise<PollResults | undefined> {
  const found = await pollById(deps.db, id);
  if (!found || statusOf(found, deps.clock.now()) !== 'closed') return undefined;
  const [tally, channels] = await Promise.all([tallyOf(deps.db, id), turnout(deps, id)]);
  const counts = found.options.map((option) => tally?.[option.position - 1] ?? 0);
  const total = counts.reduce((sum, n) => sum + n, 0);
  return {
    total,
    options: found.options.map((option, i) => ({
      position: option.position,
      votes: counts[i]!,
      percent: total ? Math.round((counts[i]! * 1000) / total) / 10 : 0,
    })),
    turnout: channels,
  };
}

export function createPollsService(deps: PollsDeps) {
  return bindDeps(deps, { vote, poll, voted, published, phonePolls, votesOf, turnout, results });
}
