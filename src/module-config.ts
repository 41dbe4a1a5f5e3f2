import type { z } from 'zod';
import type { Config } from './config.ts';

/**
 * What a module's settings file needs at run time, apart from config.ts (which imports every
 * module to merge their settings): importing it from there would make a cycle through the
 * module's own files.
 */
export class ConfigError extends Error {}

/** A module's own settings, typed by its schema (they were checked by loadConfig). */
export function moduleConfig<S extends z.ZodObject>(
  config: Readonly<Config>,
  section: S,
): z.infer<S> {
  const values = config as unknown as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(section.shape).map((key) => [key, values[key]]),
  ) as z.infer<S>;
}
