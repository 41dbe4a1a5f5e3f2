/**
 * The requests scenario's data: 200,000 requests and their timelines made in SQL
 * (generate_series), spread over two years, the departments' categories (the common ones more
 * often), the statuses a request of that age would have, 2,000 citizens, about 30% of those in
 * categories that may be public marked public by a handler; plus the bench's handler
 * (member of every department) and the citizens who upload, created in SQL, each filing at most
 * the 10 a day an account may.
 */
import type { Db } from '../src/db/knex.ts';

export const REQUESTS = 200_000;
const CITIZENS = 2_000;

/** How often each category is used, roughly as a town reports them. */
const WEIGHTS: Record<string, number> = {
  'waste-collection': 6,
  'light-out': 5,
  pothole: 4,
  'street-cleaning': 3,
  'bulky-items': 3,
  pavement: 2,
  'tree-pruning': 2,
  'stray-animals': 2,
  noise: 2,
};

const TITLES = [
  'Σβηστή λάμπα',
  'Λακκούβα στο οδόστρωμα',
  'Γεμάτοι κάδοι',
  'Ογκώδη αντικείμενα στο πεζοδρόμιο',
  'Σπασμένο πεζοδρόμιο',
  'Κλαδιά στα καλώδια',
  'Αδέσποτα σκυλιά',
  'Θόρυβος τη νύχτα',
  'Σκουπίδια στην παραλία',
  'Πεσμένη πινακίδα',
];
const STREETS = [
  'Οδός Ρούσσου Κουνδούρου',
  'Οδός 28ης Οκτωβρίου',
  'Ακτή Σήφη Κουνδούρου',
  'Πλατεία Βενιζέλου',
  'Οδός Παλαιολόγου',
  'Οδός Κοραή',
  'Οδός Λασιθίου',
  'Ελούντα',
  'Κρητσά',
  'Καλό Χωριό',
  'Νεάπολη',
  'Ίστρον',
];

/** Makes the 200,000 requests once (a later run finds them); returns how many there are. */
export async function generateRequests(db: Db): Promise<number> {
  await db.raw(`INSERT INTO users (username, full_name, email, password_hash, status, activated_at)
    SELECT 'rqbench.cit.' || g, 'Πολίτης ' || g, 'rqbench.cit.' || g || '@example.gr', 'x', 'active', now()
    FROM generate_series(1, ${CITIZENS}) g ON CONFLICT DO NOTHING`);
  const count = async () =>
    Number(
      (
        (await db.raw(`SELECT count(*) AS n FROM requests r JOIN users u ON u.id = r.user_id
          WHERE u.username LIKE 'rqbench.cit.%'`)) as { rows: { n: string }[] }
      ).rows[0]!.n,
    );
  if ((await count()) >= REQUESTS) {
    // A data set made before the public share was set is brought to it (once: a no-op after).
    if (await markPublic(db)) await db.raw('VACUUM ANALYZE requests');
    return count();
  }
  // Fewer (an earlier version of this bench, or a run cut short): made again from nothing.
  await db.raw('TRUNCATE requests, request_numbers CASCADE');
  const categories = (await db('request_categories').select('id', 'slug')) as {
    id: number;
    slug: string;
  }[];
  const weighted = categories.flatMap((c) => Array<number>(WEIGHTS[c.slug] ?? 1).fill(c.id));
  const handler = await benchHandler(db);
  await db.transaction(async (trx) => {
    await trx.raw('SELECT setseed(0.2026)');
    await trx.raw(
      `CREATE TEMP TABLE bench_requests ON COMMIT DROP AS
       SELECT p.g, c.id AS category_id, c.department_id, c.deadline_days, p.created_at, p.roll,
              extract(epoch FROM now() - p.created_at) / 86400 AS age,
              (SELECT min(id) FROM users WHERE username LIKE 'rqbench.cit.%') + (p.g % ${CITIZENS}) AS user_id
       FROM (SELECT g, (?::int[])[1 + floor(random() * ?)::int] AS category_id,
                    now() - (random() ^ 2) * interval '730 days' AS created_at, random() AS roll
             FROM generate_series(1, ?) g) p
       JOIN request_categories c ON c.id = p.category_id`,
      [weighted, weighted.length, REQUESTS],
    );
    await trx.raw(
      `INSERT INTO requests (year, number, user_id, category_id, department_id, kind, channel, title,
         description, address, lat, lng, status, assignee_id, due_date, public, created_at, updated_at, closed_at)
       SELECT year, coalesce((SELECT last FROM request_numbers n WHERE n.year = s.year), 0)
                + row_number() OVER (PARTITION BY year ORDER BY created_at),
              user_id, category_id, department_id,
              CASE WHEN g % 9 = 0 THEN 'complaint' ELSE 'request' END,
              CASE WHEN g % 13 = 0 THEN 'phone' WHEN g % 29 = 0 THEN 'counter' ELSE 'web' END,
              (?::text[])[1 + g % ?] || ' — ' || (?::text[])[1 + g % ?],
              'Περιγραφή ' || g || ': το πρόβλημα παραμένει εδώ και μέρες και δυσκολεύει τους περαστικούς.',
              (?::text[])[1 + g % ?] || ' ' || (1 + g % 80),
              35.05 + random() * 0.25, 25.55 + random() * 0.3,
              status, CASE WHEN status <> 'submitted' THEN ?::int END,
              (created_at + deadline_days * interval '1.4 days')::date, false, created_at,
              created_at, CASE WHEN status = 'closed' THEN least(now(), created_at + interval '9 days') END
       FROM (SELECT *, extract(year FROM created_at AT TIME ZONE 'Europe/Athens')::int AS year,
               CASE WHEN age < 3 THEN (CASE WHEN roll < 0.6 THEN 'submitted' WHEN roll < 0.9 THEN 'assigned' ELSE 'in_progress' END)
                    WHEN age < 20 THEN (CASE WHEN roll < 0.15 THEN 'submitted' WHEN roll < 0.4 THEN 'assigned'
                                             WHEN roll < 0.75 THEN 'in_progress' ELSE 'answered' END)
                    WHEN age < 60 THEN (CASE WHEN roll < 0.05 THEN 'assigned' WHEN roll < 0.2 THEN 'in_progress'
                                             WHEN roll < 0.5 THEN 'answered' ELSE 'closed' END)
                    ELSE (CASE WHEN roll < 0.02 THEN 'in_progress' WHEN roll < 0.1 THEN 'answered' ELSE 'closed' END)
               END AS status
             FROM bench_requests) s`,
      [TITLES, TITLES.length, STREETS, STREETS.length, STREETS, STREETS.length, handler],
    );
    // 4% of the older closed ones were duplicates, folded into the request filed just before.
    await trx.raw(`UPDATE requests r SET status = 'merged', merged_into = r.id - 1, closed_at = NULL
      WHERE r.status = 'closed' AND r.id % 25 = 0 AND EXISTS (SELECT 1 FROM requests o WHERE o.id = r.id - 1)`);
    await trx.raw(`INSERT INTO request_numbers (year, last)
      SELECT year, max(number) FROM requests GROUP BY year
      ON CONFLICT (year) DO UPDATE SET last = GREATEST(request_numbers.last, EXCLUDED.last)`);
    await insertTimelines(trx, handler);
    await markPublic(trx);
  });
  await db.raw('VACUUM ANALYZE requests');
  await db.raw('VACUUM ANALYZE request_events');
  return count();
}

/**
 * About 30% of the requests in categories that may be public are marked public, as handlers would
 * (never those of other categories, which a handler cannot mark): three ids in ten, so the same
 * rows every time. Changes only rows that differ; returns how many it changed.
 */
async function markPublic(db: Db): Promise<number> {
  const result =
    (await db.raw(`UPDATE requests r SET public = (c.may_be_public AND r.id % 10 IN (1, 4, 7))
    FROM request_categories c, users u
    WHERE c.id = r.category_id AND u.id = r.user_id AND u.username LIKE 'rqbench.cit.%'
      AND r.public IS DISTINCT FROM (c.may_be_public AND r.id % 10 IN (1, 4, 7))`)) as {
      rowCount: number;
    };
  return result.rowCount;
}

/** Each generated request's events, as the handling would have made them. */
async function insertTimelines(trx: Db, handler: number): Promise<void> {
  const bench = `FROM requests r JOIN users u ON u.id = r.user_id AND u.username LIKE 'rqbench.cit.%'`;
  const steps: [string, string, string, string][] = [
    ['submitted', "'submitted'", 'true', `${bench}`],
    ['assigned', "'assigned'", 'false', `${bench} WHERE r.status NOT IN ('submitted', 'merged')`],
    [
      'status',
      "'in_progress'",
      'false',
      `${bench} WHERE r.status IN ('in_progress', 'answered', 'closed')`,
    ],
    ['answer', "'answered'", 'false', `${bench} WHERE r.status IN ('answered', 'closed')`],
    ['status', "'closed'", 'false', `${bench} WHERE r.status = 'closed'`],
    ['merged', "'merged'", 'false', `${bench} WHERE r.status = 'merged'`],
  ];
  for (const [i, [kind, status, byCitizen, from]] of steps.entries())
    await trx.raw(
      `INSERT INTO request_events (request_id, kind, status, actor_id, by_citizen, public_note, created_at)
       SELECT r.id, '${kind}', ${status}, CASE WHEN ${byCitizen} THEN r.user_id ELSE ${handler} END, ${byCitizen},
              CASE WHEN '${kind}' IN ('status', 'answer') THEN 'Η υπηρεσία ενημερώθηκε και το θέμα προχωρά.' END,
              least(now(), r.created_at + ${i} * interval '1 day')
       ${from}`,
    );
}

/** The bench's handler, in every department (its password is set by the caller). */
export async function benchHandler(db: Db, passwordHash = 'x'): Promise<number> {
  await db.raw(
    `INSERT INTO users (username, full_name, email, password_hash, status, roles, activated_at)
     VALUES ('rqbench.handler', 'Χειριστής Αιτημάτων', 'rqbench.handler@example.gov.gr', ?, 'active', '{handler}', now())
     ON CONFLICT DO NOTHING`,
    [passwordHash],
  );
  if (passwordHash !== 'x')
    await db('users')
      .where({ username: 'rqbench.handler' })
      .update({ password_hash: passwordHash });
  const { id } = (await db('users').where({ username: 'rqbench.handler' }).first('id')) as {
    id: number;
  };
  await db.raw(
    `INSERT INTO department_handlers (department_id, user_id) SELECT id, ? FROM departments
     ON CONFLICT DO NOTHING`,
    [id],
  );
  return id;
}

/**
 * Citizens who upload (rqbench.up.N), kept from run to run (deleting an account makes PostgreSQL
 * look for it in every table that names users): the requests an earlier run filed go, with their
 * photo files (`removeFile`), and the day's counters with them, so each account starts with its 10.
 */
export async function uploaders(
  db: Db,
  count: number,
  passwordHash: string,
  removeFile: (file: string) => Promise<void>,
): Promise<string[]> {
  const usernames = Array.from({ length: count }, (_v, i) => `rqbench.up.${i}`);
  await db('users')
    .insert(
      usernames.map((username) => ({
        username,
        full_name: `Πολίτης ${username}`,
        email: `${username}@example.gr`,
        password_hash: passwordHash,
        status: 'active',
        activated_at: new Date(),
      })),
    )
    .onConflict()
    .ignore();
  await db('users').whereIn('username', usernames).update({ password_hash: passwordHash });
  const ids = db('users').whereIn('username', usernames).select('id');
  const old = (await db('requests').whereIn('user_id', ids).pluck('id')) as number[];
  const files = (await db('request_photos').whereIn('request_id', old).pluck('file')) as string[];
  for (const file of files) await removeFile(file);
  for (let i = 0; i < old.length; i += 500)
    await db('requests')
      .whereIn('id', old.slice(i, i + 500))
      .delete();
  await db.raw("DELETE FROM rate_limits WHERE key LIKE 'requests:%'");
  return usernames;
}
