import type { Deps } from '../../../deps.ts';
import type { FieldError } from '../../../lib/errors.ts';
import type { AuditContext } from '../../audit/audit.repository.ts';
import { insertEvent } from '../requests.repository.ts';
import { insertDocument } from './documents.repository.ts';
import { tellCitizens } from './handling.notify.ts';
import { audit, onRequestOpenOrClosed, type Handler, type Ref } from './handling.service.ts';
import { decodeFileName } from '../../../middleware/memory-upload.ts';

export type DocumentsDeps = Pick<Deps, 'db' | 'mailer' | 'clock' | 'documents'>;

const MAX_NAME = 200;

/**
 * The name the browser sent, as people may see it and as the download offers it: without any
 * folder part, control or reserved characters, at most 200 characters, ending in .pdf. Multer
 * reads a multipart filename as latin1; a browser sends UTF-8 (Greek names), so it is read again.
 * The name never becomes part of a path: the file is stored under a generated one.
 */
export function cleanFileName(sent: string | undefined): string {
  let name = decodeFileName(sent ?? '');
  name = (name.split(/[\\/]/).pop() ?? '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f"<>|:*?]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s]+/, '')
    .trim();
  const stem = name.replace(/\.pdf$/i, '').slice(0, MAX_NAME - 4) || 'document';
  return `${stem}.pdf`;
}

/**
 * Attaches a checked PDF to a request of the handler's departments (closed ones too). A public
 * document gets a timeline entry and its citizen and followers an email; an internal one stays
 * among staff. The file is stored first and removed again if the request takes nothing.
 */
export async function attachDocument(
  deps: DocumentsDeps,
  handler: Handler,
  ref: Ref,
  input: { pdf: Buffer; fileName: string; public: boolean },
  context: AuditContext,
): Promise<FieldError[]> {
  const stored = await deps.documents.save(input.pdf, 'pdf');
  let errors: FieldError[] = [];
  try {
    errors = await onRequestOpenOrClosed(deps, handler, ref, 'document', async (trx, request) => {
      const eventId = input.public
        ? await insertEvent(trx, {
            request_id: request.id,
            kind: 'document',
            actor_id: handler.id,
            public_note: input.fileName,
          })
        : null;
      const id = await insertDocument(trx, {
        request_id: request.id,
        event_id: eventId,
        stored_name: stored,
        original_name: input.fileName,
        size: input.pdf.length,
        public: input.public,
        uploaded_by: handler.id,
      });
      const details = { documentId: id, name: input.fileName, public: input.public };
      await audit(trx, 'request.document_attached', handler, request, details, context);
      if (input.public)
        await tellCitizens(deps, trx, request, {
          change: 'document',
          status: request.status,
          note: null,
        });
      return [];
    });
  } catch (error) {
    await deps.documents.remove(stored);
    throw error;
  }
  if (errors.length) await deps.documents.remove(stored);
  return errors;
}
