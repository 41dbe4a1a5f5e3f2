import { it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
it('b', () => {
  const c = loadConfig({ GSIS_BASE_URL: 'http://127.0.0.1:1/x', GSIS_CLIENT_ID: 'abc', GSIS_CLIENT_SECRET: 'def' });
  console.log('DEBUG B', c.GSIS_BASE_URL);
});
