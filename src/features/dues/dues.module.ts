import { localesBeside, type Module } from '../module.ts';

/** Municipal dues for a verified citizen's AFM: debts, instalments, payments, a statement, debtStatus. */
export const duesModule: Module = {
  name: 'dues',
  locales: localesBeside(import.meta.url),
};
