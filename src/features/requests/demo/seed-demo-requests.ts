import type { Knex } from 'knex';
import type { DocumentStore } from '../../../lib/document-store.ts';
import { athensDate } from '../../../lib/format.ts';
import { dueDate, type LocalFeast } from '../../../lib/working-days.ts';
import { insertPhotos } from '../photos.repository.ts';
import { formatReference } from '../reference.ts';
import { removeStoredPhotos, storePhotos, type StoredPhoto } from '../stored-photos.ts';
import { demoCitizens } from './demo-citizens.ts';
import { demoPhoto, sceneOf } from './demo-photos.ts';
import type { DemoRequest, Filer } from './demo-types.ts';
import { DEMO_REQUESTS } from './requests-data.ts';
import { placeInTime, planTimeline } from './timelines.ts';

interface Category {
  id: number;
  slug: string;
  group_key: string;
  department_id: number;
  deadline_days: number;
  may_be_public: boolean;
}

/** A demo request placed in time, with its reference. */
interface Filed {
  r: DemoRequest;
  n: number;
  filedAt: Date;
  year: number;
  number: number;
}

/**
 * About forty requests and complaints over the last four months, in every state, filed by the
 * demo citizens and a few residents, handled by the demo handler, a third of them with a photo:
 * only into an empty table, so a second start adds nothing.
 */
export async function fileDemoRequests(
  db: Knex,
  context: { today: Date; documents: DocumentStore },
  handlerUsername: string,
): Promise<boolean> {
  if ((await db('requests').first('id')) !== undefined) return false;
  const users = (await db('users')
    .whereIn('username', ['demo.citizen', handlerUsername])
    .select('id', 'username')) as { id: number; username: string }[];
  const handlerId = users.find((u) => u.username === handlerUsername)?.id;
  if (!handlerId || !users.some((u) => u.username === 'demo.citizen')) return false;
  const categories = new Map(
    ((await db('request_categories').select('*')) as Category[]).map((c) => [c.slug, c]),
  );
  const category = (slug: string) => {
    const found = categories.get(slug);
    if (!found) throw new Error(`demo request in an unknown category: ${slug}`);
    return found;
  };
  const departments = new Map(
    ((await db('departments').select('id', 'name')) as { id: number; name: { el: string } }[]).map(
      (d) => [d.id, d.name.el],
    ),
  );
  const feast = await localFeastIn(db);
  const filed = numbered(context.today);
  const photos = new Map<string, StoredPhoto[]>();
  try {
    for (const { r, n } of filed.filter((f) => f.r.photo)) {
      const scene = sceneOf(r.category, category(r.category).group_key, r.address);
      const photo = await demoPhoto(scene, r.address, n);
      photos.set(r.key, await storePhotos({ documents: context.documents }, [photo]));
    }
    await db.transaction(async (trx) => {
      const citizens = await demoCitizens(trx, context.today);
      const who = (filer: Filer) => citizens.get(filer) ?? citizens.get('citizen')!;
      const ids = new Map<string, { id: number; reference: string; by: number }>();
      for (const f of filed) {
        const { r, n } = f;
        const current = category(r.category);
        const original = r.mergedInto ? ids.get(r.mergedInto) : undefined;
        if (r.mergedInto && !original) throw new Error(`${r.key} is filed before its original`);
        const events = planTimeline(r, n, {
          group: current.group_key,
          department: departments.get(current.department_id) ?? '',
          original: original?.reference,
        });
        const { times } = placeInTime(r.filed, n, events, context.today);
        const status = events.findLast((e) => e.status)!.status!;
        const last = times.at(-1)!;
        const [row] = (await trx('requests')
          .insert({
            year: f.year,
            number: f.number,
            user_id: who(r.by),
            category_id: current.id,
            department_id: current.department_id,
            kind: r.kind ?? 'request',
            channel: r.channel ?? 'web',
            title: r.title,
            description: r.description,
            address: r.address,
            lat: r.at?.[0] ?? null,
            lng: r.at?.[1] ?? null,
            status,
            assignee_id:
              status !== 'merged' && events.some((e) => e.kind === 'assigned') ? handlerId : null,
            merged_into: original?.id ?? null,
            due_date: dueDate(f.filedAt, category(r.movedFrom ?? r.category).deadline_days, feast),
            public: Boolean(r.public && current.may_be_public),
            lang: 'el',
            created_at: f.filedAt,
            updated_at: last,
            closed_at: status === 'closed' ? last : null,
          })
          .returning('id')) as { id: number }[];
        const id = row!.id;
        ids.set(r.key, { id, reference: formatReference(f).display, by: who(r.by) });
        const eventIds = (await trx('request_events')
          .insert(
            events.map((e, i) => ({
              request_id: id,
              kind: e.kind,
              status: e.status,
              actor_id: e.by === 'handler' ? handlerId : who(e.by),
              by_citizen: e.by !== 'handler',
              public_note: e.publicNote,
              internal_note: e.internalNote,
              created_at: times[i],
            })),
          )
          .returning('id')) as { id: number }[];
        await insertPhotos(trx, id, eventIds[0]!.id, photos.get(r.key) ?? []);
        await trx('request_photos').where({ request_id: id }).update({ created_at: f.filedAt });
        const span = context.today.getTime() - f.filedAt.getTime();
        const followers = [...new Set((r.followers ?? []).map(who))].filter((u) => u !== who(r.by));
        // A duplicate's citizen follows the original from the merge on, as the handling does.
        if (original && original.by !== who(r.by))
          await trx('request_followers')
            .insert({ request_id: original.id, user_id: who(r.by), created_at: last })
            .onConflict()
            .ignore();
        if (followers.length)
          await trx('request_followers').insert(
            followers.map((user_id, i) => ({
              request_id: id,
              user_id,
              created_at: new Date(f.filedAt.getTime() + span * (0.2 + 0.15 * i)),
            })),
          );
      }
      for (const year of new Set(filed.map((f) => f.year))) {
        const last = Math.max(...filed.filter((f) => f.year === year).map((f) => f.number));
        await trx.raw(
          `INSERT INTO request_numbers (year, last) VALUES (?, ?)
           ON CONFLICT (year) DO UPDATE SET last = GREATEST(request_numbers.last, EXCLUDED.last)`,
          [year, last],
        );
      }
      await trx('department_handlers')
        .insert(
          [...departments.keys()].map((department_id) => ({ department_id, user_id: handlerId })),
        )
        .onConflict()
        .ignore();
    });
  } catch (error) {
    for (const stored of photos.values())
      await removeStoredPhotos({ documents: context.documents }, stored);
    throw error;
  }
  return true;
}

/** The demo requests in the order they were filed, each with its reference in its year. */
function numbered(today: Date): Filed[] {
  const placed = DEMO_REQUESTS.map((r, n) => ({
    r,
    n,
    filedAt: placeInTime(r.filed, n, [], today).filedAt,
  })).sort((a, b) => a.filedAt.getTime() - b.filedAt.getTime());
  const last = new Map<number, number>();
  return placed.map((p) => {
    const year = Number(athensDate(p.filedAt).slice(0, 4));
    const number = (last.get(year) ?? 0) + 1;
    last.set(year, number);
    return { ...p, year, number };
  });
}

/**
 * The municipality's feast as staff set it (site.localFeastMonth/Day), else Άγιος Νικόλαος's own
 * (6 December, the config's default): the seed has no config, only the database.
 */
async function localFeastIn(db: Knex): Promise<LocalFeast | undefined> {
  const rows = (await db('settings')
    .whereIn('key', ['site.localFeastMonth', 'site.localFeastDay'])
    .select('key', 'value')) as { key: string; value: unknown }[];
  const saved = new Map(rows.map((row) => [row.key, Number(row.value)]));
  const month = saved.get('site.localFeastMonth') ?? 12;
  const day = saved.get('site.localFeastDay') ?? 6;
  return month >= 1 && day >= 1 ? { month, day } : undefined;
}
