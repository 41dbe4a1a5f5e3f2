import type { Conn } from '../../../db/knex.ts';
import type { Localized } from '../../../lib/localized.ts';

/** The pages editors write in Markdown: what each has, so one editor serves them all. */
export interface ContentField {
  name: string;
  kind: 'text' | 'textarea' | 'markdown';
  localized: boolean;
  required: boolean;
  /** The input's type for a one-line field (the phone is `tel`); text when absent. */
  inputType?: 'tel' | 'email' | 'url';
}

/** One choice of the grouping field: a category named in the database, or a kind named by a string. */
export type ContentGroup =
  { value: string; label: Localized } | { value: string; labelKey: string };

/** A kind of page (a module's: benefits, health services), declared in its module's folder. */
export interface ContentType {
  /** Its back-office path (/staff/<key>) and strings (`staff.content.<key>.*`). */
  key: string;
  /** The audit log's entity type, and the prefix of its actions (`<entity>.published`). */
  entity: string;
  table: string;
  publicPrefix: string;
  fields: ContentField[];
  /** A benefit belongs to a category (a row's id); a health service has a kind (a name). */
  grouping: { column: string; field: string; byId: boolean };
  /** The grouping field's choices, in order. */
  groups: (conn: Conn) => Promise<ContentGroup[]>;
  hasLinks: boolean;
}

/** A field: required and in both languages unless it says otherwise. */
export const contentField = (
  name: string,
  kind: ContentField['kind'],
  required = true,
  localized = true,
  inputType?: ContentField['inputType'],
): ContentField => ({ name, kind, localized, required, ...(inputType ? { inputType } : {}) });
