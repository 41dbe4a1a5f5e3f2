import sharp from 'sharp';
import type { ProcessedPhoto } from '../../../lib/photos.ts';

/**
 * The demo requests' photos, drawn at seed time (no files shipped): a simple scene for the
 * category's group (a road with a hole, a dark street with its lamp out, full bins, a tree, the
 * sea) under a sky, with the place written across the bottom as a phone's caption would be.
 * JPEG without metadata, as an upload is kept after `processPhoto`.
 */

const WIDTH = 800;
const HEIGHT = 600;

const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Sky colours (top, horizon) of a clear day, an afternoon and a dusk, chosen by `n`. */
const SKIES: readonly [string, string][] = [
  ['#6fa8dc', '#dcebf7'],
  ['#8fb9e3', '#f3e6cf'],
  ['#5b7fb3', '#f0c8a0'],
];

const SCENES: Readonly<Record<string, (n: number) => string>> = {
  roads: (n) =>
    `<rect y="330" width="800" height="270" fill="#707070"/>
     <rect x="${380 + (n % 3) * 10}" y="330" width="14" height="270" fill="#e8e8e8" opacity="0.7"/>
     <ellipse cx="${300 + (n % 4) * 60}" cy="480" rx="120" ry="42" fill="#3b3b3b"/>
     <ellipse cx="${300 + (n % 4) * 60}" cy="474" rx="92" ry="26" fill="#5a4a3a" opacity="0.6"/>`,
  lighting: (n) =>
    `<rect width="800" height="600" fill="#14213d" opacity="0.82"/>
     <circle cx="${620 - (n % 3) * 40}" cy="110" r="34" fill="#f4f1de"/>
     <rect y="430" width="800" height="170" fill="#2b2b2b"/>
     <rect x="360" y="150" width="14" height="290" fill="#555"/>
     <rect x="360" y="150" width="110" height="10" fill="#555"/>
     <ellipse cx="470" cy="166" rx="26" ry="12" fill="#777"/>`,
  cleaning: (n) =>
    `<rect y="360" width="800" height="240" fill="#b9b2a5"/>
     ${[0, 1, 2]
       .map(
         (
           i,
         ) => `<rect x="${170 + i * 170}" y="250" width="130" height="160" rx="8" fill="${i === 1 ? '#1f5fa8' : '#2f6b3a'}"/>
     <circle cx="${200 + i * 170 + (n % 3) * 10}" cy="430" r="34" fill="#222"/>
     <circle cx="${260 + i * 170}" cy="440" r="28" fill="#3a3a3a"/>`,
       )
       .join('')}`,
  green: (n) =>
    `<rect y="380" width="800" height="220" fill="#6b8f3a"/>
     <rect x="${360 + (n % 3) * 20}" y="230" width="36" height="170" fill="#6b4423"/>
     <circle cx="${378 + (n % 3) * 20}" cy="200" r="120" fill="#3f6f2a"/>
     <circle cx="${300 + (n % 3) * 20}" cy="250" r="70" fill="#4d7f33"/>`,
  animals: (n) =>
    `<rect y="390" width="800" height="210" fill="#c2a878"/>
     <ellipse cx="${400 + (n % 3) * 30}" cy="420" rx="90" ry="40" fill="#7a5230"/>
     <circle cx="${490 + (n % 3) * 30}" cy="380" r="32" fill="#7a5230"/>
     <rect x="${330 + (n % 3) * 30}" y="440" width="16" height="60" fill="#7a5230"/>
     <rect x="${450 + (n % 3) * 30}" y="440" width="16" height="60" fill="#7a5230"/>`,
  sea: (n) =>
    `<rect y="300" width="800" height="160" fill="#2e86ab"/>
     <rect y="460" width="800" height="140" fill="#e9d8a6"/>
     ${[0, 1, 2, 3, 4]
       .map(
         (i) =>
           `<rect x="${90 + i * 140 + ((n * 37 + i * 53) % 60)}" y="${490 + ((i * 29) % 40)}" width="34" height="12" rx="5" fill="${i % 2 ? '#d94f30' : '#f4f4f4'}" transform="rotate(${(i * 40) % 90} ${100 + i * 140} 500)"/>`,
       )
       .join('')}`,
};

/** A photo of the scene for the group ('sea' for the beaches and the lake), captioned. */
export async function demoPhoto(
  scene: string,
  caption: string,
  n: number,
): Promise<ProcessedPhoto> {
  const [top, horizon] = SKIES[n % SKIES.length]!;
  const draw = SCENES[scene] ?? SCENES.roads!;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">
    <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="${top}"/><stop offset="1" stop-color="${horizon}"/>
    </linearGradient></defs>
    <rect width="${WIDTH}" height="${HEIGHT}" fill="url(#sky)"/>
    ${draw(n)}
    <rect y="${HEIGHT - 56}" width="${WIDTH}" height="56" fill="#000" opacity="0.55"/>
    <text x="20" y="${HEIGHT - 20}" font-family="DejaVu Sans, Liberation Sans, sans-serif"
      font-size="24" fill="#fff">${escapeXml(caption)}</text>
  </svg>`;
  const { data, info } = await sharp(Buffer.from(svg))
    .jpeg({ quality: 80 })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, bytes: data.length, type: 'image/jpeg' };
}

/** The scene of a request's photo: its group's, or the sea for a beach to clean. */
export function sceneOf(category: string, group: string, address: string): string {
  if (category === 'street-cleaning' && /παραλία/i.test(address)) return 'sea';
  return group === 'noise' || group === 'other' ? 'roads' : group;
}
