import { localesBeside, type Module } from '../module.ts';

/** Traffic-code (ΚΟΚ) fines: look-up by notice and plate, a verified owner's fines, objections. */
export const finesModule: Module = {
  name: 'fines',
  locales: localesBeside(import.meta.url),
};
