import { randomUUID } from 'node:crypto';
import { mkdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

const STORED_NAME = /^[0-9a-f-]{36}\.(pdf|jpg|png|csv|json|wav|mp3|ics|zip)$/;

/**
 * Documents (decision PDFs, requests' photos and recordings) live outside the web root under
 * generated names, so nothing a user types ever becomes part of a path.
 */
export interface DocumentStore {
  /** Stores the bytes under a new name ending in `extension` (checked content only). */
  save(
    content: Buffer,
    extension?: 'pdf' | 'jpg' | 'png' | 'csv' | 'json' | 'wav' | 'mp3' | 'ics' | 'zip',
  ): Promise<string>;
  pathOf(storedName: string): string;
  exists(storedName: string): Promise<boolean>;
  remove(storedName: string): Promise<void>;
}

export function createDocumentStore(rootDir: string): DocumentStore {
  const root = path.resolve(rootDir, 'documents');
  const pathOf = (storedName: string) => {
    if (!STORED_NAME.test(storedName)) throw new Error('invalid stored document name');
    return path.join(root, storedName);
  };
  return {
    async save(content, extension = 'pdf') {
      await mkdir(root, { recursive: true });
      const storedName = `${randomUUID()}.${extension}`;
      const target = pathOf(storedName);
      const temporary = `${target}.part`;
      await writeFile(temporary, content, { flag: 'wx' });
      await rename(temporary, target);
      return storedName;
    },
    pathOf,
    async exists(storedName) {
      try {
        return (await stat(pathOf(storedName))).isFile();
      } catch {
        return false;
      }
    },
    async remove(storedName) {
      await unlink(pathOf(storedName)).catch(() => undefined);
    },
  };
}
