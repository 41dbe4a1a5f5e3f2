import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** A Greek number by default (6912345678, 2841012345) or any international one (+44...), in E.164. */
export function toE164(input: string): string | undefined {
  const parsed = parsePhoneNumberFromString(input.trim(), 'GR');
  if (!parsed?.isValid()) return undefined;
  return parsed.number;
}

export function formatPhone(e164: string): string {
  return parsePhoneNumberFromString(e164)?.formatInternational() ?? e164;
}
