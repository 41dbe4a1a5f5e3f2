import { Router, type NextFunction, type Request, type Response } from 'express';
import type { Deps } from '../../deps.ts';
import { NotFoundError } from '../../lib/errors.ts';
import {
  findDevMessage,
  listDevMessages,
  listQueuedMail,
  type DevMessage,
} from './dev-mailbox.repository.ts';
import { rawMessage } from './raw-message.ts';

/**
 * The HTML part is the sender's markup, shown in a frame of its own under a policy that lets it
 * do nothing but draw itself: its own opaque origin (sandbox without allow-same-origin), no
 * request to anywhere and no script (default-src 'none'), only its inline styles, as a mail
 * client would. The sandbox keeps the scripting *context* (allow-scripts) only so that
 * accessibility checkers can look inside; the policy still refuses every script the message
 * carries, inline or not. A click on one of its links may open it in the whole window.
 */
export const MAIL_HTML_POLICY =
  "sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation; default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

/** Links open in the whole window rather than inside the frame (where the portal refuses to be framed). */
function withLinksToTop(html: string): string {
  const base = '<base target="_top">';
  return /<head[^>]*>/i.test(html)
    ? html.replace(/<head[^>]*>/i, (head) => head + base)
    : base + html;
}

/** /dev/mailbox: the mail the portal would have sent, for development without an SMTP server. Never mounted in production. */
export function createDevMailboxRouter(deps: Pick<Deps, 'db' | 'config' | 'documents'>): Router {
  const { db } = deps;
  const router = Router();

  async function messageOf(req: Request): Promise<DevMessage> {
    const id = Number(req.params.id);
    const message = Number.isSafeInteger(id) && id > 0 ? await findDevMessage(db, id) : undefined;
    if (!message) throw new NotFoundError();
    return message;
  }

  router.get('/dev/mailbox', async (req, res) => {
    const [messages, queued] = await Promise.all([listDevMessages(db), listQueuedMail(db)]);
    res.render('mail/views/mailbox', { pageTitle: req.t('devMailbox.title'), messages, queued });
  });

  router.get('/dev/mailbox/:id', async (req, res) => {
    const message = await messageOf(req);
    const links = [...message.text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
    res.render('mail/views/message', { pageTitle: message.subject, message, links });
  });

  router.get('/dev/mailbox/:id/html', async (req, res) => {
    const message = await messageOf(req);
    res.setHeader('Content-Security-Policy', MAIL_HTML_POLICY);
    res.setHeader('Cache-Control', 'no-store');
    // The bytes as stored (a Buffer): the sender's markup, not a page of the portal.
    res.type('html').send(Buffer.from(withLinksToTop(message.html)));
  });

  router.get('/dev/mailbox/:id/raw', async (req, res) => {
    const message = await messageOf(req);
    res.setHeader('Cache-Control', 'no-store');
    res
      .type('text/plain; charset=utf-8')
      .send(await rawMessage(message, deps.config.MAIL_FROM, deps.documents));
  });

  router.get('/dev/mailbox/:id/message.eml', async (req, res) => {
    const message = await messageOf(req);
    res.setHeader('Cache-Control', 'no-store');
    res.attachment(`message-${message.id}.eml`);
    res
      .type('message/rfc822')
      .send(await rawMessage(message, deps.config.MAIL_FROM, deps.documents));
  });

  // An attachment as it was sent: the file from the document store, as a download.
  router.get('/dev/mailbox/:id/attachments/:n', async (req, res, next) => {
    const message = await messageOf(req);
    const attachment = /^\d{1,3}$/.test(String(req.params.n))
      ? message.attachments[Number(req.params.n)]
      : undefined;
    if (!attachment) throw new NotFoundError();
    sendAttachment(deps, res, next, attachment);
  });
  return router;
}

function sendAttachment(
  deps: Pick<Deps, 'documents'>,
  res: Response,
  next: NextFunction,
  attachment: DevMessage['attachments'][number],
): void {
  res.attachment(attachment.fileName);
  res.sendFile(
    deps.documents.pathOf(attachment.documentKey),
    {
      dotfiles: 'allow',
      headers: {
        'Content-Type': attachment.contentType,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      },
    },
    (err?: Error & { status?: number; code?: string }) => {
      if (!err || res.headersSent) return;
      next(err.status === 404 || err.code === 'ENOENT' ? new NotFoundError() : err);
    },
  );
}
