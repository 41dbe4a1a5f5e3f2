import type { Conn } from '../../db/knex.ts';
import type { Localized } from '../../lib/localized.ts';

export const HEALTH_KINDS = ['clinic', 'programme', 'vaccination', 'on_duty'] as const;
export type HealthKind = (typeof HEALTH_KINDS)[number];

export interface HealthServiceSummaryRow {
  slug: string;
  kind: HealthKind;
  title: Localized;
  summary: Localized;
}

export interface HealthServiceRow extends HealthServiceSummaryRow {
  body_md: Localized;
  address: Localized;
  hours: Localized;
  phone: string;
  what_to_bring_md: Localized;
}

export async function listPublishedHealthServices(conn: Conn): Promise<HealthServiceSummaryRow[]> {
  return (await conn('health_services')
    .where('status', 'published')
    .select('slug', 'kind', 'title', 'summary')
    .orderBy(['position', 'id'])) as HealthServiceSummaryRow[];
}

export async function findPublishedHealthService(
  conn: Conn,
  slug: string,
): Promise<HealthServiceRow | undefined> {
  return (await conn('health_services').where({ status: 'published', slug }).first()) as
    HealthServiceRow | undefined;
}
