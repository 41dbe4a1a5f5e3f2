import type { Deps } from '../../deps.ts';
import { startLinkValidity } from '../../lib/one-time-links.ts';
import type { Services } from '../../services.ts';
import { startModuleJobs } from '../module-jobs.ts';
import { startMailWorker } from './mail-worker.ts';
import { devMailboxTransport, smtpTransport, type MailTransport } from './transports.ts';

/**
 * The mail worker with the transport the config asks for (SMTP, or the development mailbox), and
 * the modules' jobs, which use the services the process built once.
 */
export async function startConfiguredMailWorker(
  deps: Deps,
  services: Services,
): Promise<MailTransport> {
  const { config } = deps;
  const transport = config.SMTP_URL
    ? smtpTransport(config.SMTP_URL, config.MAIL_FROM, deps.documents)
    : devMailboxTransport(deps.db, deps.documents);
  await startMailWorker(deps.boss, transport, deps.logger, {
    // A link's time starts when its mail is sent (see OutgoingMail.linkValidity).
    afterSend: async (mail) => {
      if (mail.linkValidity) await startLinkValidity(deps.db, mail.linkValidity, deps.clock.now());
    },
  });
  // Housekeeping used to run as one 'maintenance' schedule; each module schedules its own now.
  await deps.boss.unschedule('maintenance').catch(() => undefined);
  await startModuleJobs(deps, services);
  deps.logger.info({ transport: config.SMTP_URL ? 'smtp' : 'dev-mailbox' }, 'mail worker started');
  return transport;
}
