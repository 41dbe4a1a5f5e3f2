import type { Lang } from '../lib/localized.ts';
import type { TFunction } from 'i18next';

declare global {
  namespace Express {
    interface Request {
      id: string;
      lang: Lang;
      t: TFunction;
    }
  }
}

export {};
