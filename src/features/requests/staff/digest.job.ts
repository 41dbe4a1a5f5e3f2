import type { Deps } from '../../../deps.ts';
import { addDays } from '../../../lib/dates.ts';
import { athensDate, formatDate } from '../../../lib/format.ts';
import { formatReference } from '../reference.ts';
import { digestReaders, filedOnDayFor, markDigestSent } from './digest.repository.ts';

/**
 * The daily digest (each morning, of the day before, in Athens) for the handlers who chose it
 * instead of a mail per arrival; once per handler and day, however often the job runs.
 */
export async function sendHandlerDigests(
  deps: Pick<Deps, 'db' | 'clock' | 'mailer'>,
): Promise<number> {
  const day = addDays(athensDate(deps.clock.now()), -1);
  let sent = 0;
  for (const reader of await digestReaders(deps.db)) {
    const requests = await filedOnDayFor(deps.db, reader.id, day);
    if (!requests.length) continue;
    const lang = reader.lang === 'en' ? 'en' : 'el';
    await deps.db.transaction(async (trx) => {
      if (!(await markDigestSent(trx, reader.id, day))) return;
      await deps.mailer.send(
        'request-digest-for-handlers',
        { email: reader.email, lang },
        {
          fullName: reader.full_name,
          day: formatDate(day, lang),
          count: requests.length,
          requests: requests.map((r) => ({
            ...formatReference(r),
            title: r.title ?? '',
          })),
        },
        trx,
      );
      sent += 1;
    });
  }
  return sent;
}
