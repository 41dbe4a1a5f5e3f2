import sharp from 'sharp';
import type { FieldError } from './errors.ts';

/**
 * Citizens' photos (requests, complaints, later other modules): checked by their content, turned
 * upright, bounded in size, re-encoded as JPEG and stripped of every piece of metadata (GPS,
 * camera, ICC), so what we keep and show is a picture and nothing more.
 */

export const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
/** Larger than any phone's normal mode (50 MP sensors give 8160x6120); stops decompression bombs. */
export const PHOTO_MAX_INPUT_PIXELS = 50_000_000;
/**
 * The longest side kept: twice the widest a page shows a photo (~800 px), so it is sharp on a
 * phone's screen, ~300 kB, and costs a quarter less CPU to make than 2,048 px (bench/requests.ts).
 */
export const PHOTO_MAX_SIDE = 1600;
export const PHOTO_MAX_CONCURRENT = 2;

export interface ProcessedPhoto {
  data: Buffer;
  width: number;
  height: number;
  bytes: number;
  type: 'image/jpeg';
}

/** Why a photo was refused; 'heic' so the page can ask for a JPEG instead of "wrong type". */
export type PhotoProblem = 'size' | 'type' | 'heic' | 'broken';

/** The string key of each problem (the locale files define them). */
export const photoProblemKeys: Readonly<Record<PhotoProblem, string>> = Object.freeze({
  size: 'errors.photo.size',
  type: 'errors.photo.type',
  heic: 'errors.photo.heic',
  broken: 'errors.photo.broken',
});

export function isPhotoProblem(result: ProcessedPhoto | PhotoProblem): result is PhotoProblem {
  return typeof result === 'string';
}

/** The field error for a refused photo; 'size' carries `maxMegabytes` for its message. */
export function photoFieldError(field: string, problem: PhotoProblem): FieldError {
  const key = photoProblemKeys[problem];
  return problem === 'size'
    ? { field, key, params: { maxMegabytes: PHOTO_MAX_BYTES / (1024 * 1024) } }
    : { field, key };
}

// Memory: libvips' operation cache keeps recent images for reuse, which one-off uploads never
// get, so it is off. One libvips thread per image (sharp's own default on glibc without jemalloc,
// set here so it holds everywhere) and at most PHOTO_MAX_CONCURRENT images at once bound the
// decoded pixels in memory to about two images' worth, and the CPU to our two cores, whatever the
// burst of uploads; the rest wait in the queue below. These settings are process-wide: this module
// is the one place that uses sharp.
sharp.cache(false);
sharp.concurrency(1);

let running = 0;
const waiting: (() => void)[] = [];

/** How many photos are being processed now and how many wait (for tests and metrics). */
export function photoQueueState(): { running: number; waiting: number; limit: number } {
  return { running, waiting: waiting.length, limit: PHOTO_MAX_CONCURRENT };
}

async function withPhotoSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running < PHOTO_MAX_CONCURRENT) running += 1;
  // The slot is handed over by release(), so running never drops and rises in between.
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  }
}

type DetectedType = 'jpeg' | 'png' | 'webp' | 'heic' | 'other';

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);
const GENERIC_HEIF_BRANDS = new Set(['mif1', 'msf1']);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The type from the first bytes: never the file name, never the declared MIME type. */
function detectType(input: Buffer): DetectedType {
  const ascii = (start: number, end: number) => input.toString('latin1', start, end);
  if (input.length >= 3 && input[0] === 0xff && input[1] === 0xd8 && input[2] === 0xff)
    return 'jpeg';
  if (input.length >= 8 && input.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (input.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (input.length >= 12 && ascii(4, 8) === 'ftyp') {
    // An ISO-BMFF file: HEIC/HEIF by its major brand, or a generic one whose compatible brands
    // (after the minor version) are not AVIF's.
    const boxSize = Math.min(input.readUInt32BE(0), input.length);
    const major = ascii(8, 12);
    if (HEIF_BRANDS.has(major)) return 'heic';
    if (GENERIC_HEIF_BRANDS.has(major)) {
      const compatible: string[] = [];
      for (let at = 16; at + 4 <= boxSize; at += 4) compatible.push(ascii(at, at + 4));
      return compatible.some((brand) => brand.startsWith('avi')) ? 'other' : 'heic';
    }
  }
  return 'other';
}

/**
 * A citizen's upload made safe to keep and show: JPEG, PNG or WebP in; an upright JPEG of at most
 * PHOTO_MAX_SIDE px on its longest side, with no metadata, out. Refusals come back as a
 * PhotoProblem, never as a throw.
 */
export async function processPhoto(input: Buffer): Promise<ProcessedPhoto | PhotoProblem> {
  if (input.length > PHOTO_MAX_BYTES) return 'size';
  const detected = detectType(input);
  if (detected === 'heic') return 'heic';
  if (detected === 'other') return 'type';
  return withPhotoSlot(() => reencode(input));
}

async function reencode(input: Buffer): Promise<ProcessedPhoto | PhotoProblem> {
  try {
    const { data, info } = await sharp(input, {
      limitInputPixels: PHOTO_MAX_INPUT_PIXELS,
      // 'error' still refuses truncated and corrupt images, but not the harmless libjpeg warnings
      // (extra bytes after a marker and the like) that many phones' photos carry.
      failOn: 'error',
    })
      .rotate() // upright by EXIF orientation; the tag itself goes with the rest of the metadata
      .resize({
        width: PHOTO_MAX_SIDE,
        height: PHOTO_MAX_SIDE,
        fit: 'inside',
        withoutEnlargement: true,
      })
      // JPEG has no transparency: a PNG's or WebP's transparent parts become white, not black.
      .flatten({ background: '#ffffff' })
      // No keepMetadata/withMetadata/keepExif/keepIccProfile: sharp then writes no EXIF, XMP,
      // IPTC or ICC profile (pixels converted to sRGB); the tests check the output for each.
      // Plain libjpeg with its standard Huffman tables: mozjpeg's trellis search saves ~10 % of
      // bytes for 3–4× the time per photo, and optimised tables (a second pass over the
      // coefficients) a few per cent for twice the CPU (bench/requests.ts).
      .jpeg({ quality: 82, optimiseCoding: false })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height, bytes: data.length, type: 'image/jpeg' };
  } catch {
    // Undecodable, truncated, or over the pixel limit: whatever sharp refuses is a broken photo.
    return 'broken';
  }
}
