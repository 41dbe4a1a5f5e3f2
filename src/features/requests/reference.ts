/**
 * A request's reference: ΑΙΤ-2026-000123 as people read it, 2026-000123 in addresses (and as the
 * Open311 service_request_id).
 */
export function formatReference(ref: { year: number; number: number }): {
  display: string;
  url: string;
} {
  const url = `${ref.year}-${String(ref.number).padStart(6, '0')}`;
  return { display: `ΑΙΤ-${url}`, url };
}

/** The year and number in an address's reference; undefined for anything else. */
export function parseReference(value: unknown): { year: number; number: number } | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(2\d{3})-(\d{6})$/.exec(value);
  if (!match) return undefined;
  const number = Number(match[2]);
  return number > 0 ? { year: Number(match[1]), number } : undefined;
}

/**
 * A reference as a person types it: ΑΙΤ-2026-000123 (Greek or Latin letters, any case), 2026-000123
 * or 2026-123; undefined for anything else.
 */
export function parseTypedReference(value: string): { year: number; number: number } | undefined {
  const match = /^(?:(?:ΑΙΤ|AIT)\s*-?\s*)?(2\d{3})\s*-\s*(\d{1,6})$/.exec(
    value.trim().toUpperCase(),
  );
  if (!match) return undefined;
  const number = Number(match[2]);
  return number > 0 ? { year: Number(match[1]), number } : undefined;
}
