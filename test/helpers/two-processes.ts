import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.ts';

/** One started process of the portal (`src/server.ts`) or of the worker alone (`src/worker.ts`). */
export interface PortalProcess {
  /** Where it answers (a worker alone answers nowhere). */
  url: string;
  /** Everything it has written to stdout so far (JSON log lines at LOG_LEVEL=info). */
  output: () => string;
  /** Its log lines with this message. */
  logLines: (msg: string) => Record<string, unknown>[];
  /** SIGTERM, then waits for it to exit; its exit code. */
  stop: () => Promise<number | null>;
}

/**
 * Starts `node --import tsx <script>` with its own port and upload folder, as `npm start` (or
 * `npm run worker`) would on another machine, and waits until it says `ready` in its log.
 */
export async function startProcess(
  script: 'src/server.ts' | 'src/worker.ts',
  env: Record<string, string>,
  ready: string,
): Promise<PortalProcess> {
  const uploads = await mkdtemp(path.join(tmpdir(), 'eservices-process-'));
  const port = await freePort();
  let stdout = '';
  let stderr = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TZ: 'UTC',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      PORT: String(port),
      UPLOAD_DIR: uploads,
      ...env,
    },
  });
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!stdout.includes(`"msg":"${ready}"`)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${script} did not start:\n${stdout}\n${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => stdout,
    logLines: (msg) =>
      stdout
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.msg === msg),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const code = await exited;
      await rm(uploads, { recursive: true, force: true });
      return code;
    },
  };
}

/** Cookie header value from a response's Set-Cookie headers (what a browser would send back). */
export function cookiesOf(setCookie: string[] | string | undefined): string {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return list.map((cookie) => cookie.split(';')[0]!).join('; ');
}
