import { XMLParser } from 'fast-xml-parser';
import { isValidAfm } from '../../lib/afm.ts';

/** A taxpayer as GSIS's userinfo gives one: the AFM is the key, the rest is what it says. */
export interface TaxisnetProfile {
  afm: string;
  userId: string;
  firstName: string;
  lastName: string;
  fatherName: string;
  motherName: string;
  birthYear: string;
}

/** userinfo's XML was not what GSIS sends (no element, no valid AFM, not XML at all). */
export class UserinfoError extends Error {}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Values stay text: an AFM with a leading zero must not become a number.
  parseAttributeValue: false,
  parseTagValue: false,
  processEntities: true,
  // Character references (&#915; for Γ) as well as the five named ones.
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const MAX_XML = 16 * 1024;

/**
 * Reads GSIS's userinfo XML: `<userinfo userid taxid lastname firstname fathername mothername
 * birthyear/>`, alone or wrapped in another element (GSIS wraps it in `<root>`), attributes
 * trimmed (taxid comes padded with spaces). Throws UserinfoError when no `<userinfo>` with a
 * valid AFM is found.
 */
export function parseUserinfo(xml: string): TaxisnetProfile {
  if (xml.length > MAX_XML) throw new UserinfoError('userinfo too large');
  let document: unknown;
  try {
    document = parser.parse(xml, true);
  } catch (error) {
    throw new UserinfoError(`userinfo is not XML: ${(error as Error).message}`);
  }
  const element = findUserinfo(document, 0);
  if (!element) throw new UserinfoError('no <userinfo> element');
  const text = (name: string) => {
    const value = element[name];
    return typeof value === 'string' ? value.normalize('NFC').replace(/\s+/g, ' ').trim() : '';
  };
  const afm = text('taxid').replace(/\s/g, '');
  if (!isValidAfm(afm)) throw new UserinfoError('<userinfo> has no valid taxid');
  return {
    afm,
    userId: text('userid'),
    firstName: text('firstname'),
    lastName: text('lastname'),
    fatherName: text('fathername'),
    motherName: text('mothername'),
    birthYear: text('birthyear'),
  };
}

/** The first `<userinfo>` element, at the top or inside a few wrapping elements. */
function findUserinfo(node: unknown, depth: number): Record<string, unknown> | undefined {
  if (!node || typeof node !== 'object' || depth > 4) return undefined;
  const record = node as Record<string, unknown>;
  const direct = record.userinfo;
  const candidate = Array.isArray(direct) ? (direct[0] as unknown) : direct;
  if (candidate && typeof candidate === 'object') return candidate as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (key === 'userinfo') continue;
    const found = findUserinfo(Array.isArray(value) ? value[0] : value, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The name an account is opened with: "Γεώργιος Μανωλάκης" from ΓΕΩΡΓΙΟΣ / ΜΑΝΩΛΑΚΗΣ as given. */
export function fullNameOf(profile: TaxisnetProfile): string {
  return [profile.firstName, profile.lastName].filter(Boolean).join(' ') || profile.afm;
}
