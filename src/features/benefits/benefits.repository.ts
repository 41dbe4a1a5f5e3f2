import type { Conn } from '../../db/knex.ts';
import type { Localized } from '../../lib/localized.ts';

export interface BenefitLink {
  label: Localized;
  url: string;
}

export interface BenefitSummaryRow {
  slug: string;
  title: Localized;
  summary: Localized;
  category_slug: string;
  category_name: Localized;
}

export interface BenefitRow extends BenefitSummaryRow {
  eligibility_md: Localized;
  documents_md: Localized;
  how_to_apply_md: Localized;
  deadlines_md: Localized;
  contact_md: Localized;
  links: BenefitLink[];
  updated_at: Date;
}

const published = (conn: Conn) =>
  conn('benefits as b')
    .join('benefit_categories as c', 'c.id', 'b.category_id')
    .where('b.status', 'published');

export async function listPublishedBenefits(conn: Conn): Promise<BenefitSummaryRow[]> {
  return (await published(conn)
    .select('b.slug', 'b.title', 'b.summary', 'c.slug as category_slug', 'c.name as category_name')
    .orderBy(['c.position', 'c.id', 'b.position', 'b.id'])) as BenefitSummaryRow[];
}

export async function findPublishedBenefit(
  conn: Conn,
  slug: string,
): Promise<BenefitRow | undefined> {
  return (await published(conn)
    .where('b.slug', slug)
    .select('b.*', 'c.slug as category_slug', 'c.name as category_name')
    .first()) as BenefitRow | undefined;
}

/** The categories a benefit may belong to, in their order (for the editors' form). */
export async function listBenefitCategories(
  conn: Conn,
): Promise<{ id: number; name: Localized }[]> {
  return (await conn('benefit_categories').select('id', 'name').orderBy(['position', 'id'])) as {
    id: number;
    name: Localized;
  }[];
}
