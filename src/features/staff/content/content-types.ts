/** The pages editors write in Markdown: what each has, so one editor serves both. */
export interface ContentField {
  name: string;
  kind: 'text' | 'textarea' | 'markdown';
  localized: boolean;
  required: boolean;
  /** The input's type for a one-line field (the phone is `tel`); text when absent. */
  inputType?: 'tel' | 'email' | 'url';
}

export interface ContentType {
  key: 'benefits' | 'health';
  entity: 'benefit' | 'health_service';
  table: 'benefits' | 'health_services';
  publicPrefix: string;
  fields: ContentField[];
  /** A benefit belongs to a category; a health service has a kind. */
  grouping: { column: 'category_id' | 'kind'; field: 'category' | 'kind' };
  hasLinks: boolean;
}

const f = (
  name: string,
  kind: ContentField['kind'],
  required = true,
  localized = true,
  inputType?: ContentField['inputType'],
): ContentField => ({ name, kind, localized, required, ...(inputType ? { inputType } : {}) });

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
  grouping: { column: 'category_id', field: 'category' },
  hasLinks: true,
};

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
  grouping: { column: 'kind', field: 'kind' },
  hasLinks: false,
};
