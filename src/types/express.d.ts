import type { Lang } from '../lib/localized.ts';
import type { TFunction } from 'i18next';
import type { Logger } from 'pino';

declare global {
  namespace Express {
    interface Request {
      id: string;
      lang: Lang;
      t: TFunction;
      log: Logger;
    }
  }
}

export {};
