import type { Deps } from '../../deps.ts';
import type { LocalFeast } from '../../lib/working-days.ts';
import { readSetting } from '../settings/settings.ts';

/** The municipality's feast day from its settings (month 0: none), for working-day counts. */
export async function localFeast(
  deps: Pick<Deps, 'modules' | 'db' | 'config' | 'contentCache'>,
): Promise<LocalFeast | undefined> {
  const month = await readSetting(deps, 'site.localFeastMonth');
  const day = await readSetting(deps, 'site.localFeastDay');
  return month >= 1 && day >= 1 ? { month, day } : undefined;
}
