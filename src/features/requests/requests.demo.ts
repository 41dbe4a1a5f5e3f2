import type { Knex } from 'knex';
import { addWorkingDays } from '../../lib/working-days.ts';
import { athensDate } from '../../lib/format.ts';
import type { DemoAccount } from '../module.ts';

export const DEMO_HANDLER: DemoAccount = {
  role: 'handler',
  username: 'demo.handler',
  password: 'Pothole-Lantern-Bench-Route-2026',
  fullName: 'Νίκος Βασιλάκης',
  email: 'demo.handler@example.gov.gr',
  phone: null,
  roles: ['handler'],
};

type Name = { el: string; en: string };

/** A municipality's departments that handle requests, as Δήμος Αγίου Νικολάου has them. */
const DEPARTMENTS: { slug: string; name: Name }[] = [
  { slug: 'cleaning', name: { el: 'Διεύθυνση Καθαριότητας', en: 'Cleaning Department' } },
  { slug: 'technical', name: { el: 'Διεύθυνση Τεχνικών Υπηρεσιών', en: 'Technical Services' } },
  { slug: 'green', name: { el: 'Τμήμα Πρασίνου', en: 'Parks and Green Spaces' } },
  { slug: 'animals', name: { el: 'Γραφείο Ζώων Συντροφιάς', en: 'Companion Animals Office' } },
  { slug: 'police', name: { el: 'Δημοτική Αστυνομία', en: 'Municipal Police' } },
  { slug: 'mayor', name: { el: 'Γραφείο Δημάρχου', en: "Mayor's Office" } },
];

/** Categories: group, department, name, deadline in working days, may be shown to the public. */
const CATEGORIES: [string, string, string, Name, number, boolean][] = [
  [
    'waste-collection',
    'cleaning',
    'cleaning',
    { el: 'Αποκομιδή απορριμμάτων', en: 'Waste collection' },
    3,
    true,
  ],
  ['bulky-items', 'cleaning', 'cleaning', { el: 'Ογκώδη αντικείμενα', en: 'Bulky items' }, 5, true],
  [
    'street-cleaning',
    'cleaning',
    'cleaning',
    { el: 'Καθαρισμός δρόμου ή πλατείας', en: 'Street or square cleaning' },
    5,
    true,
  ],
  [
    'light-out',
    'lighting',
    'technical',
    { el: 'Σβηστός λαμπτήρας', en: 'Street light out' },
    5,
    true,
  ],
  [
    'lamp-post',
    'lighting',
    'technical',
    { el: 'Χαλασμένος στύλος φωτισμού', en: 'Damaged lamp post' },
    10,
    true,
  ],
  ['pothole', 'roads', 'technical', { el: 'Λακκούβα', en: 'Pothole' }, 10, true],
  [
    'pavement',
    'roads',
    'technical',
    { el: 'Χαλασμένο πεζοδρόμιο', en: 'Broken pavement' },
    15,
    true,
  ],
  [
    'road-sign',
    'roads',
    'technical',
    { el: 'Πινακίδα ή σήμανση', en: 'Road sign or marking' },
    10,
    true,
  ],
  ['tree-pruning', 'green', 'green', { el: 'Κλάδεμα δέντρων', en: 'Tree pruning' }, 20, true],
  [
    'parks',
    'green',
    'green',
    { el: 'Πάρκα και παιδικές χαρές', en: 'Parks and playgrounds' },
    15,
    true,
  ],
  ['stray-animals', 'animals', 'animals', { el: 'Αδέσποτα ζώα', en: 'Stray animals' }, 5, false],
  ['noise', 'noise', 'police', { el: 'Θόρυβος', en: 'Noise' }, 5, false],
  ['other', 'other', 'mayor', { el: 'Άλλο θέμα', en: 'Something else' }, 15, false],
];

/**
 * The departments and categories a new installation starts with (admins change them later);
 * only those missing by slug are added, so a change made in the back office stays.
 */
export async function seedRequestCategories(db: Knex): Promise<void> {
  await db('departments')
    .insert(DEPARTMENTS.map((d, position) => ({ ...d, position })))
    .onConflict('slug')
    .ignore();
  const departmentIds = new Map(
    ((await db('departments').select('id', 'slug')) as { id: number; slug: string }[]).map((d) => [
      d.slug,
      d.id,
    ]),
  );
  await db('request_categories')
    .insert(
      CATEGORIES.map(([slug, group, department, name, days, mayBePublic], position) => ({
        slug,
        group_key: group,
        department_id: departmentIds.get(department),
        name,
        deadline_days: days,
        may_be_public: mayBePublic,
        position,
      })),
    )
    .onConflict('slug')
    .ignore();
}

/** Demo requests of the demo citizen around the town centre; only into an empty table. */
const DEMO: [string, string, string, number, number, number, string][] = [
  [
    'light-out',
    'Σβηστή λάμπα στην παραλία',
    'Ακτή Κουντούρου, κοντά στη λίμνη',
    35.1898,
    25.7186,
    12,
    'submitted',
  ],
  ['light-out', 'Δεύτερη σβηστή λάμπα', 'Ακτή Κουντούρου 20', 35.19, 25.7188, 10, 'in_progress'],
  ['pothole', 'Λακκούβα στη στροφή', 'Οδός 28ης Οκτωβρίου 5', 35.1925, 25.7152, 30, 'answered'],
  [
    'waste-collection',
    'Γεμάτοι κάδοι',
    'Πλατεία Ηρώων Πολυτεχνείου',
    35.1904,
    25.7166,
    45,
    'closed',
  ],
  ['tree-pruning', 'Κλαδιά πάνω στα καλώδια', 'Οδός Λασιθίου 14', 35.1932, 25.7121, 5, 'assigned'],
];

export async function seedDemoRequests(db: Knex, context: { today: Date }): Promise<boolean> {
  if ((await db('requests').first('id')) !== undefined) return false;
  const citizen = (await db('users').where({ username: 'demo.citizen' }).first('id')) as
    { id: number } | undefined;
  if (!citizen) return false;
  const categories = new Map(
    (
      (await db('request_categories').select('id', 'slug', 'department_id', 'deadline_days')) as {
        id: number;
        slug: string;
        department_id: number;
        deadline_days: number;
      }[]
    ).map((c) => [c.slug, c]),
  );
  const year = context.today.getUTCFullYear();
  await db.transaction(async (trx) => {
    for (const [i, [slug, title, address, lat, lng, daysAgo, status]] of DEMO.entries()) {
      const category = categories.get(slug)!;
      const filed = new Date(context.today.getTime() - daysAgo * 86_400_000);
      const [row] = (await trx('requests')
        .insert({
          year,
          number: i + 1,
          user_id: citizen.id,
          category_id: category.id,
          department_id: category.department_id,
          kind: 'request',
          title,
          description: `${title}. ${address}.`,
          address,
          lat,
          lng,
          status,
          due_date: addWorkingDays(athensDate(filed), category.deadline_days),
          created_at: filed,
          updated_at: filed,
          closed_at: status === 'closed' ? context.today : null,
        })
        .returning('id')) as { id: number }[];
      await trx('request_events').insert({
        request_id: row!.id,
        kind: 'submitted',
        status: 'submitted',
        actor_id: citizen.id,
        by_citizen: true,
        created_at: filed,
      });
    }
    await trx('request_numbers').insert({ year, last: DEMO.length }).onConflict('year').merge();
    const handler = (await trx('users').where({ username: DEMO_HANDLER.username }).first('id')) as
      { id: number } | undefined;
    if (handler)
      await trx('department_handlers')
        .insert(
          [...new Set([...categories.values()].map((c) => c.department_id))].map(
            (department_id) => ({ department_id, user_id: handler.id }),
          ),
        )
        .onConflict()
        .ignore();
  });
  return true;
}
