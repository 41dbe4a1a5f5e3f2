import type { Db } from '../../src/db/knex.ts';
import type { UserRow } from '../../src/features/accounts/users.repository.ts';
import { createActiveUser } from './accounts.ts';
import type { Electorate } from '../../src/features/polls/polls.repository.ts';
import {
  versionOf,
  type VoteInput,
  type VoteResult,
} from '../../src/features/polls/polls.service.ts';
import type { Services } from '../../src/services.ts';
import {
  insertOptions,
  optionText,
  tallyOf as countsOf,
} from '../../src/features/polls/polls.repository.ts';

export interface PollInput {
  questionEl?: string;
  questionEn?: string;
  /** Default: opened an hour before `now`, closes a week after it. */
  opensAt?: Date;
  closesAt?: Date;
  electorate?: Electorate;
  byPhone?: boolean;
  /** Default: published an hour before it opens; null for a draft. */
  publishedAt?: Date | null;
  options?: { el: string; en: string; spokenEl?: string; spokenEn?: string }[];
  now?: Date;
}

let counter = 0;

/** A poll straight in the database, with its options (as the editors' pages make one). */
export async function insertPoll(db: Db, input: PollInput = {}): Promise<number> {
  counter += 1;
  const now = input.now ?? new Date();
  const opensAt = input.opensAt ?? new Date(now.getTime() - 3_600_000);
  const closesAt = input.closesAt ?? new Date(now.getTime() + 7 * 86_400_000);
  const options = input.options ?? [
    {
      el: `Πρώτη επιλογή ${counter}`,
      en: `First option ${counter}`,
      spokenEl: 'Πρώτη',
      spokenEn: 'First',
    },
    {
      el: `Δεύτερη επιλογή ${counter}`,
      en: `Second option ${counter}`,
      spokenEl: 'Δεύτερη',
      spokenEn: 'Second',
    },
    {
      el: `Τρίτη επιλογή ${counter}`,
      en: `Third option ${counter}`,
      spokenEl: 'Τρίτη',
      spokenEn: 'Third',
    },
  ];
  const [row] = (await db('polls')
    .insert({
      question_el: input.questionEl ?? `Ερώτηση δοκιμής ${counter};`,
      question_en: input.questionEn ?? `Test question ${counter}?`,
      opens_at: opensAt,
      closes_at: closesAt,
      electorate: input.electorate ?? 'accounts',
      by_phone: input.byPhone ?? false,
      published_at:
        input.publishedAt === undefined
          ? new Date(opensAt.getTime() - 3_600_000)
          : input.publishedAt,
    })
    .returning('id')) as { id: number }[];
  const pollId = row!.id;
  await insertOptions(db, pollId, options.map(optionText));
  return pollId;
}

/** Closes a poll as time would (its closing time moved into the past), for results. */
export async function endPoll(db: Db, pollId: number, now = new Date()): Promise<void> {
  // The freeze trigger allows no change to a poll with votes but an early close; tests that need
  // a poll ended by time alone set it while nobody has voted, or close it early.
  await db('polls')
    .where({ id: pollId })
    .update({
      closed_early_at: new Date(now.getTime() - 1000),
      closed_early_reason: 'Τέλος δοκιμής',
    });
}

/** A vote through the service, for the options as they stand now (what a voter would be shown). */
export async function castVote(
  services: Services,
  input: Omit<VoteInput, 'version'>,
): Promise<VoteResult> {
  const poll = await services.polls.poll(input.pollId);
  return services.polls.vote({ ...input, version: poll ? versionOf(poll) : '' });
}

/** A poll's counts as the results read them: the sum of its tally shards, zeros before any vote. */
export async function tallyOf(db: Db, pollId: number): Promise<number[]> {
  const options = await db('poll_options').where({ poll_id: pollId }).count('* as n').first();
  return countsOf(db, pollId, Number((options as { n: string }).n));
}

let voters = 0;
/** An active citizen account (with `extra`: verified, staff, pending…) as the vote service takes one. */
export async function pollVoter(db: Db, extra: Record<string, unknown> = {}): Promise<UserRow> {
  voters += 1;
  const suffix = `${voters}${Math.random().toString(36).slice(2, 6)}`;
  const { id } = await createActiveUser(db, `voter${suffix}`, extra);
  return (await db<UserRow>('users').where({ id }).first())!;
}
