import { createServer, type RequestListener, type Server } from 'node:http';

/**
 * The HTTP server around the app. Headers may be up to 64 KiB (Node's default is 16 KiB) so that a
 * long Greek search, 6 bytes a letter once URL-encoded, reaches the app and gets a clear message.
 */
export function createHttpServer(app: RequestListener): Server {
  return createServer({ maxHeaderSize: 64 * 1024 }, app);
}
