import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySecret } from '../../src/lib/passwords.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

function run(args: string[], stdin: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/user-create.ts', ...args],
      { env: { PATH: process.env.PATH, DATABASE_URL: ctx.databaseUrl, NODE_ENV: 'test' } },
      (error, stdout, stderr) => {
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
        });
      },
    );
    child.stdin?.end(stdin);
  });
}

describe('npm run user:create', () => {
  it('creates an active staff account with the password from stdin', async () => {
    const result = await run(
      [
        '--role',
        'admin',
        '--role',
        'clerk',
        '--username',
        'eleni.admin',
        '--email',
        'eleni@example.gov.gr',
        '--name',
        'Ελένη Διαχειρίστρια',
      ],
      'πολύ μακρύς κωδικός διαχείρισης\n',
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Created eleni.admin (admin, clerk)');
    const user = (await ctx.db('users').where({ username: 'eleni.admin' }).first()) as {
      roles: string[];
      status: string;
      password_hash: string;
    };
    expect(user.roles).toEqual(['admin', 'clerk']);
    expect(user.status).toBe('active');
    expect(await verifySecret(user.password_hash, 'πολύ μακρύς κωδικός διαχείρισης')).toBe(true);
  });

  it('refuses a weak password or an unknown role with one line and exit code 1', async () => {
    const weak = await run(
      ['--role', 'admin', '--username', 'weak.admin', '--email', 'weak@example.gov.gr'],
      'short\n',
    );
    expect(weak.code).toBe(1);
    expect(weak.stderr.trim().split('\n')).toHaveLength(1);
    expect(weak.stderr).toContain('password refused');
    const role = await run(
      ['--role', 'boss', '--username', 'x.admin', '--email', 'x@example.gov.gr'],
      'πολύ μακρύς κωδικός διαχείρισης\n',
    );
    expect(role.stderr).toContain('--role must be one or more of');
  });
});
