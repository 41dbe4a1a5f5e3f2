import { Router } from 'express';
import sharp from 'sharp';

const TILE_SIZE = 256;
/** Leaflet's usual deepest zoom. */
const MAX_ZOOM = 19;
/** Tiles kept rendered (a few kilobytes each): a session of panning about, not the world. */
const KEPT_TILES = 512;

/**
 * /dev/tiles/{z}/{x}/{y}.png: a stand-in for a tile server in development and tests, so the map
 * works offline and a test's browser fetches nothing from outside. Each tile is a plain picture (a
 * light background, a grid, its z/x/y), no map data. Never mounted in production.
 */
export function createDevTilesRouter(): Router {
  const router = Router();
  const kept = new Map<string, Promise<Buffer>>();

  router.get('/dev/tiles/:z/:x/:y.png', async (req, res) => {
    const [z, x, y] = [req.params.z, req.params.x, req.params.y].map(Number) as [
      number,
      number,
      number,
    ];
    const valid =
      [z, x, y].every(Number.isSafeInteger) &&
      /^\d+$/.test(`${req.params.z}${req.params.x}${req.params.y}`) &&
      z <= MAX_ZOOM &&
      x < 2 ** z &&
      y < 2 ** z;
    if (!valid) {
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    const key = `${z}/${x}/${y}`;
    let tile = kept.get(key);
    if (tile) kept.delete(key); // re-inserted below: the Map's order is the order of last use
    tile ??= renderTile(z, x, y);
    kept.set(key, tile);
    if (kept.size > KEPT_TILES) kept.delete(kept.keys().next().value!);
    const png = await tile.catch((error: unknown) => {
      kept.delete(key);
      throw error;
    });
    res.set('Cache-Control', 'public, max-age=86400').type('image/png').send(png);
  });
  return router;
}

function renderTile(z: number, x: number, y: number): Promise<Buffer> {
  const lines = [64, 128, 192]
    .map((at) => `<path d="M${at} 0V${TILE_SIZE}M0 ${at}H${TILE_SIZE}" stroke="#e0ded8"/>`)
    .join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${TILE_SIZE}" height="${TILE_SIZE}">` +
    `<rect width="${TILE_SIZE}" height="${TILE_SIZE}" fill="#f4f3ef"/>${lines}` +
    `<path d="M0.5 0.5H${TILE_SIZE}M0.5 0.5V${TILE_SIZE}" stroke="#b9b6ad"/>` +
    `<text x="6" y="16" font-family="sans-serif" font-size="11" fill="#6f6c64">${z}/${x}/${y}</text>` +
    `</svg>`;
  return sharp(Buffer.from(svg)).png({ palette: true }).toBuffer();
}
