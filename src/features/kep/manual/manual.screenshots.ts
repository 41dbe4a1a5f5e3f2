import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Lang } from '../../../lib/localized.ts';
import { MANUAL_SHOTS, type ManualShot } from './manual.content.ts';

/** Where `npm run manual:screenshots` saves the manual's pictures (committed with the code). */
export const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));

export interface Screenshot {
  file: string;
  width: number;
  height: number;
}

/** A PNG's size, from its header (IHDR: width and height, 4 bytes each, at bytes 16 and 20). */
function pngSize(bytes: Buffer): { width: number; height: number } | undefined {
  const signature = '89504e470d0a1a0a';
  if (bytes.length < 24 || bytes.subarray(0, 8).toString('hex') !== signature) return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/**
 * The screenshots there are, by name (`call-en.png`), read once when the router is built: a
 * picture missing (never taken, or not copied beside the compiled code) is left out of the page
 * rather than shown broken.
 */
export function findScreenshots(dir: string = SCREENSHOT_DIR): Map<string, Screenshot> {
  const found = new Map<string, Screenshot>();
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return found;
  }
  const wanted = new Set<string>(
    MANUAL_SHOTS.flatMap((shot) => [`${shot}-el.png`, `${shot}-en.png`]),
  );
  for (const file of names) {
    if (!wanted.has(file)) continue;
    const size = pngSize(readFileSync(path.join(dir, file)));
    if (size) found.set(file, { file, ...size });
  }
  return found;
}

/** The picture of a screen in a language, if it was taken. */
export function screenshotOf(
  shots: ReadonlyMap<string, Screenshot>,
  shot: ManualShot,
  lang: Lang,
): Screenshot | undefined {
  return shots.get(`${shot}-${lang}.png`);
}
