import type { Request } from 'express';
import type { FieldError } from '../../lib/errors.ts';
import { athensDate, formatDate, formatDateTime } from '../../lib/format.ts';
import { pick } from '../../lib/localized.ts';
import type {
  PublicListFilters,
  PublicListRow,
  PublicRequestRow,
  PublicStatus,
} from './public-list.repository.ts';
import { formatReference } from './reference.ts';

export const PUBLIC_LIST = '/requests/public';

/** The list's filters as typed (kept in the form) and as applied, and the page asked for. */
export interface ParsedListQuery {
  values: { category: string; status: string; area: string };
  filters: PublicListFilters;
  /** Undefined: not a page number (the address is not one of the list's). */
  page: number | undefined;
  errors: FieldError[];
}

const STATUSES: readonly string[] = ['open', 'closed'] satisfies PublicStatus[];
const AREA_MAX = 100;

/**
 * ?category=pothole&status=open&area=Κουνδούρου&page=2. A filter that is not one of the choices
 * (or too long, or given twice) is a message at its field; the page then lists nothing rather
 * than something that looks filtered.
 */
export function parseListQuery(query: Request['query'], categories: Set<string>): ParsedListQuery {
  const errors: FieldError[] = [];
  const text = (name: string): string => {
    const value = query[name];
    if (value === undefined) return '';
    if (typeof value === 'string') return value.trim();
    errors.push({ field: name, key: `requests.public.errors.${name}` });
    return '';
  };
  const values = { category: text('category'), status: text('status'), area: text('area') };
  if (values.category && !categories.has(values.category))
    errors.push({ field: 'category', key: 'requests.public.errors.category' });
  if (values.status && !STATUSES.includes(values.status))
    errors.push({ field: 'status', key: 'requests.public.errors.status' });
  if (values.area.length > AREA_MAX)
    errors.push({ field: 'area', key: 'requests.public.errors.area' });
  const page = query.page === undefined ? '1' : query.page;
  return {
    values,
    filters: {
      ...(values.category ? { category: values.category } : {}),
      ...(values.status ? { status: values.status as PublicStatus } : {}),
      ...(values.area ? { area: values.area } : {}),
    },
    page: typeof page === 'string' && /^[1-9]\d{0,3}$/.test(page) ? Number(page) : undefined,
    errors,
  };
}

/** The list's address with these filters and page (`?status=open&page=2`; the first page bare). */
export function listHref(values: ParsedListQuery['values'], page = 1): string {
  const search = new URLSearchParams(Object.entries(values).filter(([, value]) => value !== ''));
  if (page > 1) search.set('page', String(page));
  const query = search.toString();
  return query ? `${PUBLIC_LIST}?${query}` : PUBLIC_LIST;
}

/** What every page of the list shows of a request: nothing the row did not let the public see. */
export function presentPublicRequest(req: Request, row: PublicRequestRow) {
  const reference = formatReference(row);
  const href = `${PUBLIC_LIST}/${reference.url}`;
  return {
    ...reference,
    href,
    title: row.title ?? req.t('requests.untitled'),
    category: pick(row.category_name, req.lang),
    area: row.area ?? '',
    status: req.t(`requests.status.${row.status}`),
    open: row.status !== 'closed',
    filedOn: formatDate(athensDate(row.created_at), req.lang),
    filedIso: row.created_at.toISOString(),
    closedOn: row.closed_at ? formatDate(athensDate(row.closed_at), req.lang) : '',
    name: row.citizen_name ?? '',
    // A marker on the map, for a category that shows the exact point.
    point: row.lat !== null && row.lng !== null ? { lat: row.lat, lng: row.lng } : null,
    photos: row.photos.map((photo, i) => ({
      href: `${href}/photos/${photo.id}`,
      alt: req.t('requests.public.photoAlt', { n: i + 1, reference: reference.display }),
      width: photo.width,
      height: photo.height,
    })),
  };
}

export function presentListRow(req: Request, row: PublicListRow) {
  return {
    ...presentPublicRequest(req, row),
    latestNote:
      row.latest_note && row.latest_note_at
        ? { text: row.latest_note, when: formatDateTime(new Date(row.latest_note_at), req.lang) }
        : null,
  };
}
