import type { TFunction } from 'i18next';
import type { Knex } from 'knex';
import type { Deps } from '../../deps.ts';
import { formatDateTime } from '../../lib/format.ts';
import type { Lang } from '../../lib/localized.ts';
import { issueLink } from '../../lib/one-time-links.ts';
import { hashToken } from '../../lib/tokens.ts';
import { recordAudit, type AuditContext } from '../audit/audit.repository.ts';
import { bossDbFor } from '../mail/mail-queue.ts';
import type { Person } from '../module.ts';
import { ensureQueue, type QueuePolicy } from '../queues.ts';
import { buildArchive } from './export-archive.ts';

export const EXPORT_QUEUE = 'privacy.export';
/** A failed export is marked failed at once (the citizen asks again), not tried again. */
export const EXPORT_QUEUE_POLICY: QueuePolicy = { retryLimit: 0, retryDelay: 0 };
export const EXPORT_LINK = 'data_export';
/** The link works once, for 48 hours from when its mail leaves. */
export const EXPORT_LINK_MS = 48 * 3600 * 1000;
/** Asking again is fine (a lost mail), but not without end: three a day. */
export const EXPORTS_PER_DAY = 3;

export interface DataExport {
  id: number;
  user_id: number;
  status: 'queued' | 'ready' | 'downloaded' | 'expired' | 'failed';
  lang: Lang;
  requested_at: Date;
  ready_at: Date | null;
  file_key: string | null;
  file_bytes: number | null;
  link_id: number | null;
  downloaded_at: Date | null;
}

/** The account's latest download, with its link's expiry (counted from when the mail left). */
export async function latestExport(
  conn: Knex,
  userId: number,
): Promise<(DataExport & { expires_at: Date | null }) | undefined> {
  return (await conn('data_exports as e')
    .leftJoin('one_time_links as l', 'l.id', 'e.link_id')
    .where('e.user_id', userId)
    .orderBy('e.id', 'desc')
    .first('e.*', 'l.expires_at')) as (DataExport & { expires_at: Date | null }) | undefined;
}

export type ExportRequest = { queued: true } | { refused: 'preparing' | 'tooMany' };

/**
 * Asks for a download: a row and a job, in one transaction (the job only runs if the row is
 * there). One at a time (the partial unique index settles two clicks at once), three a day.
 */
export async function requestExport(
  deps: Pick<Deps, 'db' | 'boss' | 'clock'>,
  userId: number,
  lang: Lang,
  context: AuditContext,
): Promise<ExportRequest> {
  const now = deps.clock.now();
  return deps.db.transaction(async (trx) => {
    await trx.raw('SELECT 1 FROM users WHERE id = ? FOR UPDATE', [userId]);
    const recent = (await trx('data_exports')
      .where('user_id', userId)
      .where('requested_at', '>', new Date(now.getTime() - 24 * 3600 * 1000))
      .select('status')) as { status: string }[];
    if (recent.some((row) => row.status === 'queued')) return { refused: 'preparing' as const };
    if (recent.length >= EXPORTS_PER_DAY) return { refused: 'tooMany' as const };
    const [row] = (await trx('data_exports')
      .insert({ user_id: userId, lang, requested_at: now })
      .returning('id')) as { id: number }[];
    await ensureQueue(deps.boss, EXPORT_QUEUE, EXPORT_QUEUE_POLICY);
    await deps.boss.send(EXPORT_QUEUE, { exportId: row!.id }, { db: await bossDbFor(trx) });
    await recordAudit(trx, { action: 'privacy.export_requested', userId }, context);
    return { queued: true as const };
  });
}

/** The person an account is, as the modules look them up. */
export async function personOf(conn: Knex, userId: number): Promise<Person | undefined> {
  const row = (await conn('users')
    .where({ id: userId })
    .first('id', 'afm', 'taxisnet_afm', 'email', 'phone_e164')) as
    | {
        id: number;
        afm: string | null;
        taxisnet_afm: string | null;
        email: string | null;
        phone_e164: string | null;
      }
    | undefined;
  if (!row) return undefined;
  return {
    userId: row.id,
    afm: row.afm ?? row.taxisnet_afm,
    email: row.email,
    phone: row.phone_e164,
  };
}

/**
 * The job: builds the ZIP from every module, stores it, and mails a one-time link to it. An
 * export already prepared (a retried job) is left as it is; a failure marks it failed for the
 * page (pg-boss retries the job, and a retry starts over).
 */
export async function prepareExport(deps: Deps, exportId: number): Promise<void> {
  const row = (await deps.db('data_exports').where({ id: exportId }).first()) as
    DataExport | undefined;
  if (!row || row.status !== 'queued') return;
  const person = await personOf(deps.db, row.user_id);
  if (!person?.email) return;
  const t = deps.i18n.t(row.lang);
  const now = deps.clock.now();
  const archive = await buildArchive(deps.modules, person, deps.db, deps.documents, (missing) =>
    [
      t('privacy.data.readme.title', { date: formatDateTime(now, row.lang) }),
      '',
      t('privacy.data.readme.body'),
      ...(missing.length ? ['', t('privacy.data.readme.missing'), ...missing] : []),
      '',
    ].join('\n'),
  );
  const key = await deps.documents.save(archive, 'zip');
  const kept = await deps.db.transaction(async (trx) => {
    const locked = (await trx('data_exports').where({ id: exportId }).forUpdate().first()) as
      DataExport | undefined;
    if (locked?.status !== 'queued') return false;
    const token = await issueLink(trx, {
      purpose: EXPORT_LINK,
      userId: row.user_id,
      expiresAt: new Date(now.getTime() + EXPORT_LINK_MS),
      data: { exportId },
    });
    const link = (await trx('one_time_links')
      .where({ token_hash: hashToken(token) })
      .first('id')) as { id: number };
    // Earlier downloads' links stopped working with the new one (issueLink): their files go too.
    await trx('data_exports')
      .where({ user_id: row.user_id, status: 'ready' })
      .update({ status: 'expired' });
    await trx('data_exports').where({ id: exportId }).update({
      status: 'ready',
      ready_at: now,
      file_key: key,
      file_bytes: archive.length,
      link_id: link.id,
    });
    await deps.mailer.send(
      'data-export-ready',
      { email: person.email!, lang: row.lang },
      {
        fullName: (
          (await trx('users').where({ id: row.user_id }).first('full_name')) as {
            full_name: string;
          }
        ).full_name,
        link: `${deps.config.baseUrl}/account/data/download/${token}`,
        size: megabytes(archive.length, row.lang, t),
      },
      trx,
      { priority: 'link', link: { token, ttlMs: EXPORT_LINK_MS } },
    );
    return true;
  });
  if (!kept) await deps.documents.remove(key);
}

/** Marks an export failed after its last try (the page then offers to ask again). */
export async function failExport(deps: Pick<Deps, 'db'>, exportId: number): Promise<void> {
  await deps
    .db('data_exports')
    .where({ id: exportId, status: 'queued' })
    .update({ status: 'failed' });
}

/** A file's size as people read it: '2,4 MB' in Greek, '2.4 MB' in English; tiny ones 'under 0.1 MB'. */
export function megabytes(bytes: number, lang: Lang, t: TFunction): string {
  const value = Math.round(bytes / 104_857.6) / 10;
  if (value < 0.1) return t('privacy.data.sizeUnder');
  return t('privacy.data.size', { value: value.toLocaleString(lang === 'el' ? 'el-GR' : 'en-GB') });
}
