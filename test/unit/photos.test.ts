import exifr from 'exifr';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  PHOTO_MAX_BYTES,
  isPhotoProblem,
  photoFieldError,
  photoProblemKeys,
  photoQueueState,
  processPhoto,
  type ProcessedPhoto,
} from '../../src/lib/photos.ts';

const RED = { r: 220, g: 20, b: 20 };
const BLUE = { r: 20, g: 20, b: 220 };

/** A phone's photo as stored: sideways pixels (red top half) and an orientation-6 tag, GPS, camera. */
async function sidewaysPhoneJpeg(width = 4000, height = 3000): Promise<Buffer> {
  const redHalf = await sharp({
    create: { width, height: height / 2, channels: 3, background: RED },
  })
    .png()
    .toBuffer();
  return sharp({ create: { width, height, channels: 3, background: BLUE } })
    .composite([{ input: redHalf, top: 0, left: 0 }])
    .jpeg({ quality: 90 })
    .withMetadata({ orientation: 6 }) // also writes an ICC profile, which must go too
    .withExif({
      IFD0: { Make: 'Acme', Model: 'Phone 9' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '37/1 58/1 0/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '23/1 43/1 0/1',
      },
    })
    .toBuffer();
}

async function processed(input: Buffer): Promise<ProcessedPhoto> {
  const result = await processPhoto(input);
  if (isPhotoProblem(result)) throw new Error(`refused as ${result}`);
  return result;
}

async function pixel(image: Buffer, left: number, top: number) {
  const [r = 0, g = 0, b = 0] = await sharp(image)
    .extract({ left, top, width: 1, height: 1 })
    .raw()
    .toBuffer();
  return { r, g, b };
}

describe('processPhoto', () => {
  it('turns a phone photo upright, bounds it to 1600 px and strips every piece of metadata', async () => {
    const input = await sidewaysPhoneJpeg();
    // The oracle sees what we must remove.
    const before = (await exifr.parse(input, true)) as Record<string, unknown>;
    expect(before).toMatchObject({ Make: 'Acme', Model: 'Phone 9', Orientation: 'Rotate 90 CW' });
    expect(await exifr.gps(input)).toMatchObject({ latitude: expect.closeTo(37.97, 2) as number });

    const photo = await processed(input);

    expect(photo).toMatchObject({ width: 1200, height: 1600, type: 'image/jpeg' });
    expect(photo.bytes).toBe(photo.data.length);
    const tags = (await exifr.parse(photo.data, true)) as Record<string, unknown> | undefined;
    for (const tag of ['Make', 'Model', 'Orientation', 'GPSLatitude', 'latitude'])
      expect(tags?.[tag]).toBeUndefined();
    expect(await exifr.gps(photo.data)).toBeUndefined();
    const meta = await sharp(photo.data).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 1200, height: 1600 });
    for (const block of ['exif', 'icc', 'xmp', 'iptc', 'orientation'] as const)
      expect(meta[block]).toBeUndefined();
    // Rotated in its pixels: the stored top (red) is on the right once turned 90° clockwise.
    const right = await pixel(photo.data, 1170, 800);
    const left = await pixel(photo.data, 30, 800);
    expect(right.r > 180 && right.b < 80).toBe(true);
    expect(left.b > 180 && left.r < 80).toBe(true);
  });

  it('never enlarges a small photo', async () => {
    const small = await sharp({ create: { width: 800, height: 600, channels: 3, background: RED } })
      .jpeg()
      .toBuffer();
    expect(await processed(small)).toMatchObject({ width: 800, height: 600 });
  });

  it('accepts PNG (transparency on white) and WebP, and gives JPEG back', async () => {
    const png = await sharp({
      create: {
        width: 3000,
        height: 1000,
        channels: 4,
        background: { r: 0, g: 0, b: 0, alpha: 0 },
      },
    })
      .png()
      .toBuffer();
    const fromPng = await processed(png);
    expect(fromPng).toMatchObject({ width: 1600, height: 533, type: 'image/jpeg' });
    expect(fromPng.data.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(Object.values(await pixel(fromPng.data, 100, 100)).every((v) => v > 245)).toBe(true);

    const webp = await sharp({
      create: { width: 1200, height: 900, channels: 3, background: BLUE },
    })
      .webp()
      .toBuffer();
    const fromWebp = await processed(webp);
    expect(fromWebp).toMatchObject({ width: 1200, height: 900, type: 'image/jpeg' });
    expect((await sharp(fromWebp.data).metadata()).format).toBe('jpeg');
  });

  it('refuses HEIC/HEIF as heic (the page asks for a JPEG) and AVIF as type', async () => {
    const ftyp = (major: string, ...compatible: string[]) => {
      const brands = [major, '\0\0\0\0', ...compatible].join('');
      const box = Buffer.alloc(8 + brands.length + 64);
      box.writeUInt32BE(8 + brands.length, 0);
      box.write(`ftyp${brands}`, 4, 'latin1');
      return box;
    };
    expect(await processPhoto(ftyp('heic', 'mif1', 'heic'))).toBe('heic');
    expect(await processPhoto(ftyp('mif1', 'mif1', 'heic'))).toBe('heic');
    const avif = await sharp({ create: { width: 64, height: 64, channels: 3, background: RED } })
      .avif()
      .toBuffer();
    expect(await processPhoto(avif)).toBe('type');
  });

  it('judges by content: a text file called photo.jpg is refused as type', async () => {
    const textFile = Buffer.from('Dear Mayor, the street light on Odos Ermou is out.\n'); // "photo.jpg"
    expect(await processPhoto(textFile)).toBe('type');
    expect(await processPhoto(Buffer.alloc(0))).toBe('type');
  });

  it('refuses more than 10 MB as size, and checks size before anything else', async () => {
    const jpegStart = Buffer.from([0xff, 0xd8, 0xff, 0xe0]);
    const tooBig = Buffer.concat([jpegStart, Buffer.alloc(PHOTO_MAX_BYTES + 1 - jpegStart.length)]);
    expect(tooBig.length).toBe(10 * 1024 * 1024 + 1);
    expect(await processPhoto(tooBig)).toBe('size');
    // Exactly 10 MB passes the size check (and is then judged by its content).
    expect(await processPhoto(Buffer.alloc(PHOTO_MAX_BYTES))).toBe('type');
  });

  it('refuses a truncated JPEG as broken, without throwing', async () => {
    const whole = await sidewaysPhoneJpeg(1200, 900);
    await expect(processPhoto(whole.subarray(0, whole.length / 2))).resolves.toBe('broken');
  });

  it('refuses absurd dimensions (a decompression bomb) as broken', async () => {
    const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: RED } })
      .jpeg()
      .toBuffer();
    // Rewrite the frame header (SOF0: marker, length, precision, height, width) to 20000x20000.
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    expect(sof).toBeGreaterThan(0);
    jpeg.writeUInt16BE(20_000, sof + 5);
    jpeg.writeUInt16BE(20_000, sof + 7);
    expect(await processPhoto(jpeg)).toBe('broken');
  });

  it('processes at most 2 photos at once, however many arrive together', async () => {
    const photos = await Promise.all(
      Array.from({ length: 6 }, () => sidewaysPhoneJpeg(3000, 2000)),
    );
    let mostRunning = 0;
    let mostInSharp = 0;
    const sample = () => {
      mostRunning = Math.max(mostRunning, photoQueueState().running);
      mostInSharp = Math.max(mostInSharp, sharp.counters().process + sharp.counters().queue);
    };
    const sampler = setInterval(sample, 1);

    const results = photos.map((photo) => processPhoto(photo).finally(sample));
    expect(photoQueueState()).toEqual({ running: 2, waiting: 4, limit: 2 });
    const done = await Promise.all(results).finally(() => clearInterval(sampler));

    expect(
      done.every(
        (result) => !isPhotoProblem(result) && result.width === 1067 && result.height === 1600,
      ),
    ).toBe(true);
    expect(mostRunning).toBe(2);
    expect(mostInSharp).toBeLessThanOrEqual(2);
    expect(photoQueueState()).toEqual({ running: 0, waiting: 0, limit: 2 });
  });
});

describe('photo problems', () => {
  it('map to the errors.photo.* keys, with the limit for size', () => {
    expect(photoProblemKeys).toEqual({
      size: 'errors.photo.size',
      type: 'errors.photo.type',
      heic: 'errors.photo.heic',
      broken: 'errors.photo.broken',
    });
    expect(photoFieldError('photo', 'size')).toEqual({
      field: 'photo',
      key: 'errors.photo.size',
      params: { maxMegabytes: 10 },
    });
    expect(photoFieldError('photo', 'heic')).toEqual({ field: 'photo', key: 'errors.photo.heic' });
  });
});
