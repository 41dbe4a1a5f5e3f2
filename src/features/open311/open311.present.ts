import type { Config } from '../../config.ts';
import { formatDate } from '../../lib/format.ts';
import type { TFunction } from '../../lib/i18n.ts';
import { pick, type Lang } from '../../lib/localized.ts';
import { formatReference } from '../requests/reference.ts';
import { athensIso, endOfAthensDay } from './open311.dates.ts';
import type { Open311RequestRow, ServiceRow } from './open311.repository.ts';

/** When this endpoint's interface last changed (discovery's changeset). */
export const OPEN311_CHANGESET = '2026-12-01T09:00:00+02:00';
export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';

interface Words {
  t: TFunction;
  lang: Lang;
}

/** Discovery: where the endpoint is, in which formats, and how to get a key. */
export function presentDiscovery(config: Readonly<Config>, { t }: Words) {
  return {
    changeset: OPEN311_CHANGESET,
    contact: t('open311.discovery.contact', {
      email: config.CONTACT_EMAIL,
      phone: config.CONTACT_PHONE,
    }),
    key_service: t('open311.discovery.keyService', { email: config.CONTACT_EMAIL }),
    endpoints: [
      {
        specification: SPECIFICATION,
        url: `${config.baseUrl}/open311/v2`,
        changeset: OPEN311_CHANGESET,
        type: config.isProduction ? 'production' : 'test',
        formats: ['text/xml', 'application/json'],
      },
    ],
  };
}

/** A category as a service: no category asks for extra fields, so `metadata` is false. */
export function presentService(row: ServiceRow, { t, lang }: Words) {
  const group = t(`requests.groups.${row.group_key}`);
  const department = pick(row.department, lang);
  const name = pick(row.name, lang);
  return {
    service_code: row.slug,
    service_name: name,
    description: t('open311.services.description', { name, group, department }),
    metadata: false,
    type: 'realtime',
    keywords: [group, department].join(', '),
    group,
  };
}

/** A service's definition: its attributes (none yet). */
export function presentDefinition(row: ServiceRow) {
  return { service_code: row.slug, attributes: [] as never[] };
}

/** The spec's open and closed: a merged duplicate is closed. */
export const isClosed = (status: string) => status === 'closed' || status === 'merged';

/**
 * A request as Open311 shows it: the public facts, the status with the department's latest public
 * note, dates with Athens' offset. Never a name, email or phone.
 */
export function presentRequest(row: Open311RequestRow, { t, lang }: Words) {
  const closed = isClosed(row.status);
  const merged =
    row.merged_year !== null && row.merged_number !== null
      ? formatReference({ year: row.merged_year, number: row.merged_number }).url
      : undefined;
  const notes =
    row.status_note ?? (merged ? t('open311.mergedInto', { reference: merged }) : undefined);
  return {
    service_request_id: formatReference(row).url,
    status: closed ? 'closed' : 'open',
    ...(notes ? { status_notes: notes } : {}),
    service_name: pick(row.service_name, lang),
    service_code: row.service_code,
    description: row.description,
    agency_responsible: pick(row.department, lang),
    service_notice: closed
      ? t(`requests.status.${row.status}`)
      : t('open311.serviceNotice', { date: formatDate(row.due_date, lang) }),
    requested_datetime: athensIso(row.created_at),
    updated_datetime: athensIso(row.closed_at && closed ? row.closed_at : row.updated_at),
    expected_datetime: endOfAthensDay(row.due_date),
    ...(row.address ? { address: row.address } : {}),
    ...(row.lat !== null && row.lng !== null ? { lat: row.lat, long: row.lng } : {}),
    ...(row.media_url ? { media_url: row.media_url } : {}),
  };
}
