import { z } from 'zod';

/** "south,west,north,east" in degrees: the municipality's bounding box. */
const boundingBox = z.string().transform((value, ctx) => {
  const parts = value.split(',').map((part) => Number(part.trim()));
  const [south, west, north, east] = parts as [number, number, number, number];
  const valid =
    parts.length === 4 &&
    parts.every(Number.isFinite) &&
    south >= -90 &&
    north <= 90 &&
    west >= -180 &&
    east <= 180 &&
    south < north &&
    west < east;
  if (!valid) {
    ctx.addIssue({
      code: 'custom',
      message: 'south,west,north,east in degrees, south < north, west < east',
    });
    return z.NEVER;
  }
  return { south, west, north, east };
});

/**
 * The requests module's settings: the municipality's area (points outside are refused) and the
 * map's tiles. No tile URL: the form has no map, and latitude and longitude are typed or left out.
 */
export const requestsConfig = z.object({
  // Δήμος Αγίου Νικολάου (Lasithi, Crete), with its villages.
  REQUESTS_BOUNDING_BOX: boundingBox.prefault('34.95,25.45,35.35,25.95'),
  MAP_TILE_URL: z.string().default(''),
  MAP_ATTRIBUTION: z.string().default(''),
});

export type BoundingBox = { south: number; west: number; north: number; east: number };
