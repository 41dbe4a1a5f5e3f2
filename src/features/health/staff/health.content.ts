import { contentField as f, type ContentType } from '../../staff/content/content-types.ts';
import { HEALTH_KINDS } from '../health.repository.ts';

/** Health services as the shared content editor (/staff/health) edits them: each of a kind. */
export const HEALTH: ContentType = {
  key: 'health',
  entity: 'health_service',
  table: 'health_services',
  publicPrefix: '/health',
  fields: [
    f('title', 'text'),
    f('summary', 'textarea'),
    f('body_md', 'markdown'),
    f('address', 'text'),
    f('hours', 'text'),
    f('phone', 'text', true, false, 'tel'),
    f('what_to_bring_md', 'markdown', false),
  ],
  grouping: { column: 'kind', field: 'kind', byId: false },
  groups: () =>
    Promise.resolve(
      HEALTH_KINDS.map((kind) => ({ value: kind, labelKey: `health.kinds.${kind}` })),
    ),
  hasLinks: false,
};
