import { Router } from 'express';
import type { Db } from '../../db/knex.ts';
import { NotFoundError } from '../../lib/errors.ts';

/** /dev/mailbox: the mail the portal would have sent, for development without an SMTP server. Never mounted in production. */
export function createDevMailboxRouter(db: Db): Router {
  const router = Router();
  router.get('/dev/mailbox', async (req, res) => {
    const messages = (await db('dev_mailbox')
      .select('id', 'to_address', 'subject', 'created_at')
      .orderBy('id', 'desc')
      .limit(50)) as {
      id: number;
      to_address: string;
      subject: string;
      created_at: Date;
    }[];
    res.render('dev/mailbox', { pageTitle: req.t('devMailbox.title'), messages });
  });
  router.get('/dev/mailbox/:id', async (req, res) => {
    const id = Number(req.params.id);
    const message = Number.isInteger(id)
      ? ((await db('dev_mailbox').where({ id }).first()) as
          | { id: number; to_address: string; subject: string; text: string; html: string }
          | undefined)
      : undefined;
    if (!message) throw new NotFoundError();
    const links = [...message.text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
    res.render('dev/message', { pageTitle: message.subject, message, links });
  });
  return router;
}
