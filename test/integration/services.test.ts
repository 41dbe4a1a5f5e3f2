import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { createDiavgeiaClient } from '../../src/features/decisions/staff/diavgeia.client.ts';
import { createServices } from '../../src/services.ts';
import { csrfFrom } from '../helpers/accounts.ts';
import { startDiavgeiaStandIn, type DiavgeiaStandIn } from '../helpers/diavgeia-stand-in.ts';
import { signedInStaff } from '../helpers/staff.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
let stand: DiavgeiaStandIn;

beforeAll(async () => {
  // The configured Diavgeia cannot be reached: only a client given to the services can answer.
  ctx = await createTestContext({ DIAVGEIA_BASE_URL: 'http://127.0.0.1:1' });
  stand = await startDiavgeiaStandIn([]);
});
afterAll(async () => {
  await stand.close();
  await ctx.close();
});

describe('services built once in the composition root', () => {
  it('use the outside client they are given, not one a route builds from the config', async () => {
    const services = createServices(ctx.deps, {
      diavgeia: createDiavgeiaClient({ baseUrl: stand.baseUrl }),
    });
    const app = createApp(ctx.deps, { services });
    const editor = (await signedInStaff(app, ctx.db, ['editor'])).agent;
    const token = await csrfFrom(editor, '/staff/decisions/import');
    const res = await editor.post('/staff/decisions/import').type('form').send({
      _csrf: token,
      org: '6102',
      'from-day': '1',
      'from-month': '2',
      'from-year': '2026',
      'to-day': '28',
      'to-month': '2',
      'to-year': '2026',
    });
    expect(res.status).toBe(200);
    expect(stand.requests.length).toBeGreaterThan(0);
  });
});
