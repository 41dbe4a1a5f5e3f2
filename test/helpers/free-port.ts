import { createServer, type AddressInfo } from 'node:net';

/** A TCP port nothing listens on right now (for the tests' servers and the benchmark's). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}
