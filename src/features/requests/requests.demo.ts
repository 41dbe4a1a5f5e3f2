import type { Knex } from 'knex';
import { seedDemoTemplates } from './demo/demo-templates.ts';
import type { DemoAccount, DemoContext } from '../module.ts';
import { fileDemoRequests } from './demo/seed-demo-requests.ts';

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

/** The departments and categories a new installation starts with (admins change them later). */
export async function seedRequestCategories(db: Knex): Promise<void> {
  // Once, into empty tables: afterwards admins own the list (/staff/requests/settings), and a
  // department they renamed or deleted must not come back at the next start.
  if (await db('departments').first('id')) return;
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

/**
 * The demo requests (src/features/requests/demo/): about forty over the last four months, in every
 * state, with their timelines and photos; only into an empty table.
 */
export async function seedDemoRequests(db: Knex, context: DemoContext): Promise<boolean> {
  await seedDemoTemplates(db);
  return fileDemoRequests(db, context, DEMO_HANDLER.username);
}
