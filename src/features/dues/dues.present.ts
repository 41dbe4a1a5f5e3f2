import type { Lang } from '../../lib/localized.ts';
import { formatDate, formatDateTime, formatMoney, formatPaidAt } from '../../lib/format.ts';
import { formatRf } from '../../lib/rf.ts';

/** The GOV.UK tag colour of each standing; the tag's text says it, the colour only helps. */
export const STATUS_TAG: Record<string, string> = {
  paid: 'govuk-tag--green',
  arranged: 'govuk-tag--purple',
  overdue: 'govuk-tag--red',
  part_paid: 'govuk-tag--yellow',
  due: 'govuk-tag--blue',
};

/** What the views need to format amounts, dates and codes in the page's language. */
export function duesFormat(lang: Lang) {
  return {
    money: (cents: number) => formatMoney(cents, lang),
    date: (isoDate: string) => formatDate(isoDate, lang),
    dateTime: (instant: Date) => formatDateTime(instant, lang),
    paidAt: (instant: Date) => formatPaidAt(instant, lang),
    rf: formatRf,
    typeName: (row: { name_el: string | null; name_en: string | null }) =>
      (lang === 'en' ? row.name_en : row.name_el) ?? '',
    tag: (status: string) => STATUS_TAG[status] ?? '',
  };
}
