/**
 * A reference read out one character at a time, its parts apart: "CRT-2026-000123" becomes
 * "C R T, 2 0 2 6, 0 0 0 1 2 3" (a voice reads "2026" as a number otherwise).
 */
export function spell(reference: string): string {
  return reference
    .split(/[-/\s]+/)
    .filter(Boolean)
    .map((part) => [...part].join(' '))
    .join(', ');
}
