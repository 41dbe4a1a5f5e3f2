import type { Knex } from 'knex';
import { athensDate } from '../../lib/format.ts';
import type { DemoContext } from '../module.ts';
import { insertOptions, optionText, type Channel, type Electorate } from './polls.repository.ts';

interface DemoOption {
  el: string;
  en: string;
  spokenEl?: string;
  spokenEn?: string;
}

interface DemoPoll {
  questionEl: string;
  questionEn: string;
  descriptionEl: string;
  descriptionEn: string;
  /** Days from today (negative: past) it opens and closes, at 09:00 and 21:00 Athens time. */
  opens: number;
  closes: number;
  electorate: Electorate;
  byPhone: boolean;
  published: boolean;
  options: DemoOption[];
  /** Demo accounts that have voted: their choice goes into the tally, never beside their name. */
  voters?: { username: string; channel: Channel; option: number; daysAgo: number }[];
}

/**
 * What a visitor finds on /polls: an open poll offered by phone too (demo.instalments has voted
 * by phone; the others may vote), an open one for verified accounts (demo.verified and
 * demo.nodebt may vote; demo.citizen is told why not), one that has closed with its results,
 * one that opens next week, and a draft demo.editor is still writing.
 */
const POLLS: readonly DemoPoll[] = [
  {
    questionEl: 'Ποιο έργο να χρηματοδοτηθεί πρώτο από τον συμμετοχικό προϋπολογισμό του 2027;',
    questionEn: 'Which project should the 2027 participatory budget fund first?',
    descriptionEl:
      'Το δημοτικό συμβούλιο διαθέτει 150.000 € για ένα έργο που θα επιλέξουν οι δημότες. Η ψηφοφορία γίνεται και τηλεφωνικά, στα 28410-82925 και 28410-82928 (επιλογή 3).',
    descriptionEn:
      'The municipal council sets aside €150,000 for one project chosen by the residents. You can also vote by phone on 28410-82925 and 28410-82928 (option 3).',
    opens: -7,
    closes: 21,
    electorate: 'accounts',
    byPhone: true,
    published: true,
    options: [
      {
        el: 'Ανάπλαση της παιδικής χαράς στη Λατώ',
        en: 'Renewing the playground at Lato',
        spokenEl: 'Παιδική χαρά στη Λατώ',
        spokenEn: 'Playground at Lato',
      },
      {
        el: 'Ποδηλατόδρομος στην παραλιακή οδό',
        en: 'A cycle path along the seafront',
        spokenEl: 'Ποδηλατόδρομος',
        spokenEn: 'Cycle path',
      },
      {
        el: 'Δεντροφύτευση στις γειτονιές του Αγίου Νικολάου',
        en: 'Planting trees in the neighbourhoods of Agios Nikolaos',
        spokenEl: 'Δεντροφύτευση',
        spokenEn: 'Tree planting',
      },
    ],
    voters: [{ username: 'demo.instalments', channel: 'phone', option: 2, daysAgo: 2 }],
  },
  {
    questionEl: 'Να γίνει πεζόδρομος η οδός 25ης Μαρτίου τα Σαββατοκύριακα;',
    questionEn: 'Should 25th March Street be closed to traffic at weekends?',
    descriptionEl:
      'Πρόταση της δημοτικής κοινότητας Αγίου Νικολάου. Ψηφίζουν οι λογαριασμοί με επιβεβαιωμένη ταυτότητα, μία ψήφος ανά ΑΦΜ.',
    descriptionEn:
      'A proposal of the municipal community of Agios Nikolaos. Identity-verified accounts vote, one vote per AFM.',
    opens: -3,
    closes: 10,
    electorate: 'verified',
    byPhone: false,
    published: true,
    options: [
      { el: 'Ναι, κάθε Σαββατοκύριακο', en: 'Yes, every weekend' },
      { el: 'Μόνο τους καλοκαιρινούς μήνες', en: 'Only in the summer months' },
      { el: 'Όχι', en: 'No' },
    ],
  },
  {
    questionEl: 'Ποια ώρα προτιμάτε για τη συλλογή των ανακυκλώσιμων;',
    questionEn: 'What time do you prefer for the collection of recycling?',
    descriptionEl: 'Η υπηρεσία καθαριότητας θα προσαρμόσει τα δρομολόγια του μπλε κάδου.',
    descriptionEn: 'The cleaning service will adjust the blue bin rounds.',
    opens: -40,
    closes: -10,
    electorate: 'accounts',
    byPhone: true,
    published: true,
    options: [
      {
        el: 'Νωρίς το πρωί (06:00–09:00)',
        en: 'Early morning (06:00–09:00)',
        spokenEl: 'Νωρίς το πρωί',
        spokenEn: 'Early morning',
      },
      {
        el: 'Το απόγευμα (15:00–18:00)',
        en: 'Afternoon (15:00–18:00)',
        spokenEl: 'Το απόγευμα',
        spokenEn: 'Afternoon',
      },
      {
        el: 'Τη νύχτα (22:00–02:00)',
        en: 'At night (22:00–02:00)',
        spokenEl: 'Τη νύχτα',
        spokenEn: 'At night',
      },
    ],
    voters: [
      { username: 'demo.citizen', channel: 'web', option: 1, daysAgo: 30 },
      { username: 'demo.verified', channel: 'web', option: 3, daysAgo: 25 },
      { username: 'demo.nodebt', channel: 'phone', option: 1, daysAgo: 20 },
      { username: 'demo.instalments', channel: 'web', option: 2, daysAgo: 12 },
    ],
  },
  {
    questionEl: 'Ποιο όνομα να δοθεί στη νέα πλατεία του λιμανιού;',
    questionEn: 'What should the new square by the harbour be called?',
    descriptionEl: 'Οι προτάσεις συγκεντρώθηκαν από τα σχολεία του δήμου.',
    descriptionEn: "The names were proposed by the municipality's schools.",
    opens: 5,
    closes: 26,
    electorate: 'accounts',
    byPhone: false,
    published: true,
    options: [
      { el: 'Πλατεία Αμάλθειας', en: 'Amaltheia Square' },
      { el: 'Πλατεία Ψαράδων', en: "Fishermen's Square" },
      { el: 'Πλατεία Λίμνης Βουλισμένης', en: 'Voulismeni Lake Square' },
    ],
  },
  {
    questionEl: 'Ωράριο λειτουργίας της δημοτικής βιβλιοθήκης το καλοκαίρι',
    questionEn: "The municipal library's summer opening hours",
    descriptionEl: '',
    descriptionEn: '',
    opens: 30,
    closes: 45,
    electorate: 'accounts',
    byPhone: false,
    published: false,
    options: [
      { el: 'Πρωί και απόγευμα', en: 'Morning and afternoon' },
      { el: 'Μόνο απόγευμα και βράδυ', en: 'Afternoon and evening only' },
    ],
  },
];

/** 09:00 (or 21:00) Athens time, `days` from today. */
function athensTime(db: Knex, today: Date, days: number, time: string) {
  const day = new Date(today.getTime() + days * 86_400_000);
  return db.raw("(?::date + ?::time) AT TIME ZONE 'Europe/Athens'", [athensDate(day), time]);
}

/** The demo polls, while there are none. */
export async function seedDemoPolls(db: Knex, context: DemoContext): Promise<boolean> {
  if (await db('polls').first('id')) return false;
  const users = (await db('users')
    .whereIn('username', [
      'demo.editor',
      'demo.citizen',
      'demo.verified',
      'demo.nodebt',
      'demo.instalments',
    ])
    .select('id', 'username', 'afm', 'identity_verified_at')) as {
    id: number;
    username: string;
    afm: string | null;
    identity_verified_at: Date | null;
  }[];
  const byName = new Map(users.map((user) => [user.username, user]));
  const editor = byName.get('demo.editor')?.id ?? null;
  await db.transaction(async (trx) => {
    for (const demo of POLLS) {
      const [row] = (await trx('polls')
        .insert({
          question_el: demo.questionEl,
          question_en: demo.questionEn,
          description_el: demo.descriptionEl,
          description_en: demo.descriptionEn,
          opens_at: athensTime(trx, context.today, demo.opens, '09:00'),
          closes_at: athensTime(trx, context.today, demo.closes, '21:00'),
          electorate: demo.electorate,
          by_phone: demo.byPhone,
          published_at: demo.published
            ? athensTime(trx, context.today, Math.min(demo.opens - 2, -1), '12:00')
            : null,
          created_by: editor,
          updated_by: editor,
        })
        .returning('id')) as { id: number }[];
      const pollId = row!.id;
      await insertOptions(trx, pollId, demo.options.map(optionText));
      const votes = demo.options.map(() => 0);
      for (const voter of demo.voters ?? []) {
        const user = byName.get(voter.username);
        if (!user) continue;
        votes[voter.option - 1]! += 1;
        await trx('poll_voters').insert({
          poll_id: pollId,
          user_id: user.id,
          afm: user.identity_verified_at ? user.afm : null,
          channel: voter.channel,
          voted_on: athensDate(new Date(context.today.getTime() - voter.daysAgo * 86_400_000)),
        });
      }
      if (demo.voters?.length)
        await trx('poll_tallies').insert({ poll_id: pollId, shard: 0, votes });
    }
  });
  return true;
}
