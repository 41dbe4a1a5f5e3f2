import { contentField as f, type ContentType } from '../../staff/content/content-types.ts';
import { listBenefitCategories } from '../benefits.repository.ts';

/** Benefits as the shared content editor (/staff/benefits) edits them: each in a category. */
export const BENEFITS: ContentType = {
  key: 'benefits',
  entity: 'benefit',
  table: 'benefits',
  publicPrefix: '/benefits',
  fields: [
    f('title', 'text'),
    f('summary', 'textarea'),
    f('eligibility_md', 'markdown'),
    f('documents_md', 'markdown'),
    f('how_to_apply_md', 'markdown'),
    f('deadlines_md', 'markdown', false),
    f('contact_md', 'markdown', false),
  ],
  grouping: { column: 'category_id', field: 'category', byId: true },
  groups: async (conn) =>
    (await listBenefitCategories(conn)).map((c) => ({ value: String(c.id), label: c.name })),
  hasLinks: true,
};
