import type { Conn } from '../../db/knex.ts';

export type Electorate = 'accounts' | 'verified';
export type Channel = 'web' | 'phone';
/** Where a poll stands at an instant: being written, published but not open yet, open, closed. */
export type PollStatus = 'draft' | 'upcoming' | 'open' | 'closed';

export interface PollRow {
  id: number;
  question_el: string;
  question_en: string;
  description_el: string;
  description_en: string;
  opens_at: Date;
  closes_at: Date;
  electorate: Electorate;
  by_phone: boolean;
  published_at: Date | null;
  closed_early_at: Date | null;
  closed_early_by: number | null;
  closed_early_reason: string | null;
  created_by: number | null;
  created_at: Date;
  updated_by: number | null;
  updated_at: Date;
}

export interface PollOptionRow {
  poll_id: number;
  position: number;
  label_el: string;
  label_en: string;
  spoken_el: string | null;
  spoken_en: string | null;
}

export interface Poll extends PollRow {
  options: PollOptionRow[];
}

export interface VoterRow {
  poll_id: number;
  user_id: number | null;
  afm: string | null;
  channel: Channel;
  /** The Athens day of the vote, 'YYYY-MM-DD'. */
  voted_on: string;
}

/** The poll's status at `now`: a poll closed early is closed from that moment. */
export function statusOf(poll: PollRow, now: Date): PollStatus {
  if (!poll.published_at) return 'draft';
  if (poll.closed_early_at || poll.closes_at <= now) return 'closed';
  return poll.opens_at <= now ? 'open' : 'upcoming';
}

/** When voting ended (or ends): the early close, or the closing time. */
export const endOf = (poll: PollRow): Date => poll.closed_early_at ?? poll.closes_at;

const VOTED_ON = "to_char(voted_on, 'YYYY-MM-DD') AS voted_on";

async function withOptions(conn: Conn, polls: PollRow[]): Promise<Poll[]> {
  if (!polls.length) return [];
  const options = (await conn('poll_options')
    .whereIn(
      'poll_id',
      polls.map((poll) => poll.id),
    )
    .orderBy(['poll_id', 'position'])) as PollOptionRow[];
  return polls.map((poll) => ({
    ...poll,
    options: options.filter((option) => option.poll_id === poll.id),
  }));
}

export async function pollById(conn: Conn, id: number): Promise<Poll | undefined> {
  const row = (await conn('polls').where({ id }).first()) as PollRow | undefined;
  return row ? (await withOptions(conn, [row]))[0] : undefined;
}

/** Every published poll, the latest to close first. */
export async function publishedPolls(conn: Conn): Promise<Poll[]> {
  const rows = (await conn('polls')
    .whereNotNull('published_at')
    .orderBy([
      { column: 'closes_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])) as PollRow[];
  return withOptions(conn, rows);
}

/** Every poll, drafts included, for the editors' list: the newest first. */
export async function allPolls(conn: Conn): Promise<Poll[]> {
  const rows = (await conn('polls').orderBy('id', 'desc')) as PollRow[];
  return withOptions(conn, rows);
}

/** Who a vote is looked up by: the account, and the AFM while its identity stands verified. */
export interface VoterKey {
  id: number;
  afm: string | null;
}

/** The votes of this account or (in polls for verified accounts) of its AFM, its own first. */
function votesBy(conn: Conn, pollIds: readonly number[], user: VoterKey) {
  return conn('poll_voters')
    .select('poll_id', 'user_id', 'afm', 'channel', conn.raw(VOTED_ON))
    .whereIn('poll_id', pollIds)
    .andWhere((where) => {
      void where.where({ user_id: user.id });
      if (user.afm) void where.orWhere({ afm: user.afm });
    })
    .orderByRaw('user_id IS NOT DISTINCT FROM ? DESC', [user.id]);
}

/**
 * The vote already cast in this poll by this account or, in a poll for verified accounts, by
 * anyone with this AFM (the citizen's other account): its day and channel, never what.
 */
export async function voterOf(
  conn: Conn,
  pollId: number,
  user: VoterKey,
): Promise<VoterRow | undefined> {
  return (await votesBy(conn, [pollId], user).first()) as VoterRow | undefined;
}

/** The polls (of those given) this account has voted in, by poll id. */
export async function votedPolls(
  conn: Conn,
  pollIds: readonly number[],
  user: VoterKey,
): Promise<Map<number, VoterRow>> {
  if (!pollIds.length) return new Map();
  const rows = (await votesBy(conn, pollIds, user)) as VoterRow[];
  const votes = new Map<number, VoterRow>();
  for (const row of rows) if (!votes.has(row.poll_id)) votes.set(row.poll_id, row);
  return votes;
}

/** How many have voted, per channel (staff see this while the poll runs). */
export async function turnoutOf(
  conn: Conn,
  pollIds: readonly number[],
): Promise<Map<number, Record<Channel, number>>> {
  const turnout = new Map<number, Record<Channel, number>>(
    pollIds.map((id) => [id, { web: 0, phone: 0 }]),
  );
  if (!pollIds.length) return turnout;
  const rows = (await conn('poll_voters')
    .select('poll_id', 'channel')
    .count<{ poll_id: number; channel: Channel; count: string }[]>('* as count')
    .whereIn('poll_id', pollIds)
    .groupBy('poll_id', 'channel')) as { poll_id: number; channel: Channel; count: string }[];
  for (const row of rows) turnout.get(row.poll_id)![row.channel] = Number(row.count);
  return turnout;
}

/**
 * The counts per option, in the options' order: the sum of the poll's tally shards (none yet:
 * zeros). Only ever shown once the poll has closed.
 */
export async function tallyOf(conn: Conn, pollId: number, options: number): Promise<number[]> {
  const rows = (await conn('poll_tallies').where({ poll_id: pollId }).select('votes')) as {
    votes: number[];
  }[];
  return Array.from({ length: options }, (_v, i) =>
    rows.reduce((sum, row) => sum + (row.votes[i] ?? 0), 0),
  );
}

/** An option as it is written: both labels and, for a phone poll, the spoken ones. */
export type OptionText = Pick<PollOptionRow, 'label_el' | 'label_en'> &
  Partial<Pick<PollOptionRow, 'spoken_el' | 'spoken_en'>>;

/** A poll's options in the order given (positions 1…n). */
export async function insertOptions(
  conn: Conn,
  pollId: number,
  options: readonly OptionText[],
): Promise<void> {
  await conn('poll_options').insert(
    options.map((option, i) => ({
      poll_id: pollId,
      position: i + 1,
      label_el: option.label_el,
      label_en: option.label_en,
      spoken_el: option.spoken_el ?? null,
      spoken_en: option.spoken_en ?? null,
    })),
  );
}

/** The short form demo data and tests write options in, as the table takes them. */
export const optionText = (option: {
  el: string;
  en: string;
  spokenEl?: string;
  spokenEn?: string;
}): OptionText => ({
  label_el: option.el,
  label_en: option.en,
  spoken_el: option.spokenEl ?? null,
  spoken_en: option.spokenEn ?? null,
});
