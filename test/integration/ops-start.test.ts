import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../src/db/demo-accounts.ts';
import { postForm } from '../helpers/accounts.ts';
import { freePort } from '../helpers/free-port.ts';

/**
 * The portal as a newcomer starts it: `node --import tsx src/server.ts` with no settings but a
 * data folder and ports of its own (the embedded database, the default demo data, the dev
 * mailbox), then the commands beside it, then a stop.
 */
let folder: string;
let env: NodeJS.ProcessEnv;
let portal: ChildProcess;
let baseUrl: string;
let stdout = '';
let stderr = '';
let exited: Promise<number | null>;

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'eservices-start-'));
  const port = await freePort();
  env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    EMBEDDED_PG_DIR: path.join(folder, 'postgres'),
    EMBEDDED_PG_PORT: String(await freePort()),
    UPLOAD_DIR: path.join(folder, 'uploads'),
  };
  baseUrl = `http://localhost:${port}`;
  portal = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env });
  portal.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  portal.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  exited = new Promise((resolve) => portal.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 110_000;
  while (!stdout.includes('portal listening')) {
    if (portal.exitCode !== null || Date.now() > deadline)
      throw new Error(`the portal did not start:\n${stdout}\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}, 120_000);

afterAll(async () => {
  if (portal.exitCode === null) {
    portal.kill('SIGTERM');
    await exited;
  }
  await rm(folder, { recursive: true, force: true });
});

function userCreate(args: string[], password: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/user-create.ts', ...args],
      { env },
      (error, out, err) =>
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          stdout: out,
          stderr: err,
        }),
    );
    child.stdin?.end(`${password}\n`);
  });
}

describe('npm start, with no settings', () => {
  it('prints where the portal and the dev mailbox are', () => {
    expect(stdout).toContain(
      `Portal: ${baseUrl} · Dev mailbox: ${baseUrl}/dev/mailbox · Demo accounts: see README`,
    );
  });

  it('has created the demo accounts, which sign in', async () => {
    const admin = DEMO_ACCOUNTS.find((a) => a.role === 'admin')!;
    const agent = request.agent(baseUrl);
    const res = await postForm(agent, '/login', '/login', {
      login: admin.username,
      password: admin.password,
    });
    expect(res.status).toBe(303);
    expect((await agent.get('/dev/mailbox')).status).toBe(200);
  });

  it('lets npm run user:create work beside it, on the same embedded database', async () => {
    const args = ['--role', 'clerk', '--username', 'beside.clerk', '--email', 'b@example.gov.gr'];
    const created = await userCreate(args, 'ένας μακρύς κωδικός για τον υπάλληλο');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created beside.clerk (clerk)');

    const duplicate = await userCreate(
      [...args.slice(0, 4), '--email', 'c@example.gov.gr'],
      'ένας μακρύς κωδικός για τον υπάλληλο',
    );
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr.trim()).toBe('user:create: that username is taken');

    // The command left the portal's database running, and the portal sees the new account.
    expect((await request(baseUrl).get('/readyz')).status).toBe(200);
    const agent = request.agent(baseUrl);
    const res = await postForm(agent, '/login', '/login', {
      login: 'beside.clerk',
      password: 'ένας μακρύς κωδικός για τον υπάλληλο',
    });
    expect(res.status).toBe(303);
  }, 90_000);

  it('stops on SIGTERM in order and quietly: exit code 0, no warning, no error, no stack', async () => {
    portal.kill('SIGTERM');
    expect(await exited).toBe(0);
    const lines = stdout.split('\n').filter((line) => line.startsWith('{'));
    const levels = lines.map((line) => (JSON.parse(line) as { level: number; msg: string }).level);
    expect(lines.filter((_, i) => levels[i]! >= 40)).toEqual([]);
    expect(lines.at(-1)).toContain('"msg":"stopped"');
    expect(stderr).toBe('');
    expect(stdout).not.toMatch(/\n\s+at |Error:|undefined/);
    // The embedded database stopped last, with the portal.
    expect(existsSync(path.join(env.EMBEDDED_PG_DIR!, 'postmaster.pid'))).toBe(false);
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(env.EMBEDDED_PG_PORT), '127.0.0.1');
      socket.on('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);
  }, 30_000);
});
