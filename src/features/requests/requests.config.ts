import { z } from 'zod';
import type { Config } from '../../config.ts';
import { ConfigError, moduleConfig } from '../../module-config.ts';
import type { CspNeeds } from '../module.ts';

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

/** Leaflet's placeholders: {z} {x} {y}, {s} (a subdomain), {r} (retina), {-y}. */
const PLACEHOLDER = /\{-?[a-z]+\}/gi;
/** What {s} becomes while a template is parsed as a URL (host names are lower-cased). */
const SUBDOMAIN = 'leaflet-subdomain-placeholder';

/** Whether a tile URL template is one Leaflet can use and the CSP can name (see tileOrigin). */
function isTileTemplate(value: string): boolean {
  if (value === 'none') return true;
  if (!['{z}', '{x}', '{y}'].every((part) => value.includes(part))) return false;
  if (value.startsWith('/')) return !value.startsWith('//');
  const probe = parseTemplate(value);
  return (
    probe !== undefined &&
    (probe.protocol === 'https:' || probe.protocol === 'http:') &&
    !probe.username &&
    !probe.password &&
    /^[a-z0-9.-]+$/.test(probe.hostname) &&
    // {s} only as the first label: `https://*.tiles.example.org` names it in the CSP.
    !probe.hostname.replace(new RegExp(`^${SUBDOMAIN}\\.`), '').includes(SUBDOMAIN)
  );
}

function parseTemplate(template: string): URL | undefined {
  try {
    return new URL(template.replace(PLACEHOLDER, (p) => (p === '{s}' ? SUBDOMAIN : '0')));
  } catch {
    return undefined;
  }
}

const tileUrl = z
  .string()
  .trim()
  .refine(
    isTileTemplate,
    'a tile URL template with {z}, {x} and {y} (https://tiles.example.org/{z}/{x}/{y}.png; {s}. may start the host), a path on this site, or none',
  );

/**
 * The requests module's settings: the municipality's area (points outside are refused) and the
 * map's tiles. No map (MAP_TILE_URL=none, or unset outside development): the form has no map, and
 * latitude and longitude are typed or left out. Unset in development: the stand-in tiles.
 */
export const requestsConfig = z.object({
  // Δήμος Αγίου Νικολάου (Lasithi, Crete), with its villages.
  REQUESTS_BOUNDING_BOX: boundingBox.prefault('34.95,25.45,35.35,25.95'),
  MAP_TILE_URL: tileUrl.optional(),
  /** Shown on the map (HTML allowed: it is the operator's, e.g. a link to the data's licence). */
  MAP_ATTRIBUTION: z.string().optional(),
});

export type BoundingBox = { south: number; west: number; north: number; east: number };

/** The development stand-in for a tile server (dev-tiles.routes.ts): not mounted in production. */
export const DEV_TILE_URL = '/dev/tiles/{z}/{x}/{y}.png';
const DEV_ATTRIBUTION = 'Development tiles (no map data)';

export interface MapSettings {
  /** Leaflet's URL template. */
  tiles: string;
  attribution: string;
  bounds: BoundingBox;
}

/**
 * The map the first step draws, or none. The development default and the refusal of the stand-in
 * in production depend on NODE_ENV, which the module's own schema cannot see: the manifest's
 * `checkConfig` calls this when the config is loaded, so a production start stops at once.
 */
export function mapSettingsOf(config: Readonly<Config>): MapSettings | null {
  const settings = moduleConfig(config, requestsConfig);
  const tiles =
    settings.MAP_TILE_URL ?? (config.NODE_ENV === 'development' ? DEV_TILE_URL : 'none');
  if (tiles === 'none') return null;
  if (config.isProduction && new URL(tiles, 'http://portal.invalid').pathname.startsWith('/dev/'))
    throw new ConfigError(
      'Invalid setting MAP_TILE_URL: the development tiles (/dev/tiles) do not exist in production; give a tile server URL, or none for no map',
    );
  return {
    tiles,
    attribution: settings.MAP_ATTRIBUTION ?? (tiles === DEV_TILE_URL ? DEV_ATTRIBUTION : ''),
    bounds: settings.REQUESTS_BOUNDING_BOX,
  };
}

/**
 * The origin the browser fetches tiles from, as a CSP source (`https://*.tile.example.org` for a
 * `{s}.` subdomain), or none for tiles on our own origin.
 */
export function tileOrigin(template: string): string | undefined {
  if (template.startsWith('/')) return undefined;
  const probe = parseTemplate(template);
  if (!probe) return undefined;
  return probe.origin.replace(`//${SUBDOMAIN}.`, '//*.');
}

/** What the map needs in the CSP: the tile server's origin in img-src, when it is not ours. */
export function mapCspNeeds(config: Readonly<Config>): CspNeeds {
  const map = mapSettingsOf(config);
  const origin = map ? tileOrigin(map.tiles) : undefined;
  return origin ? { imgSrc: [origin] } : {};
}
