import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser, formTokens, newAgent, signIn, type Agent } from '../helpers/accounts.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

let ctx: TestContext;
let agent: Agent;
let id: number;

beforeAll(async () => {
  ctx = await createTestContext();
  const user = await createActiveUser(ctx.db, 'address');
  id = user.id;
  agent = newAgent(ctx.app);
  await signIn(agent, user.username, user.password);
});
afterAll(() => ctx.close());

async function send(values: Record<string, string>, lang = 'el') {
  const tokens = await formTokens(agent, `/account?lang=${lang}`, '/account/address');
  return agent
    .post('/account/address')
    .type('form')
    .send({ ...tokens, ...values });
}

const address = {
  street: 'Κουντουριώτου',
  number: '10',
  postcode: '721 00',
  city: 'Άγιος Νικόλαος',
};

describe('the postal address on the account page', () => {
  it('is saved, shown as an envelope reads it, and can be removed', async () => {
    expect(
      cheerio
        .load((await agent.get('/account')).text)('.govuk-summary-list')
        .text(),
    ).toContain('Δεν έχει δηλωθεί');
    expect((await send(address)).status).toBe(303);
    const page = await agent.get('/account');
    expect(page.text).toContain('Η διεύθυνσή σας αποθηκεύτηκε.');
    expect(cheerio.load(page.text)('.govuk-summary-list').text()).toContain(
      'Κουντουριώτου 10, 72100 Άγιος Νικόλαος',
    );
    expect(cheerio.load(page.text)('#postcode').val()).toBe('72100');
    expect(
      await ctx
        .db('users')
        .where({ id })
        .first('address_street', 'address_number', 'address_postcode', 'address_city'),
    ).toEqual({
      address_street: 'Κουντουριώτου',
      address_number: '10',
      address_postcode: '72100',
      address_city: 'Άγιος Νικόλαος',
    });
    // The log says it changed, not where the citizen lives.
    const audit = (await ctx
      .db('audit_log')
      .where({ action: 'account.address_changed', user_id: id })
      .first('details')) as {
      details: unknown;
    };
    expect(JSON.stringify(audit.details)).not.toContain('Κουντουριώτου');

    expect((await send({ street: '', number: '', postcode: '', city: '' })).status).toBe(303);
    expect((await agent.get('/account')).text).toContain('Η διεύθυνσή σας διαγράφηκε.');
    expect(await ctx.db('users').where({ id }).first('address_street')).toEqual({
      address_street: null,
    });
  });

  it('says at each field what is missing or wrong, in Greek and in English, and keeps what was typed', async () => {
    const el = await send({ street: '', number: '10', postcode: '7210', city: '' });
    expect(el.status).toBe(400);
    const $ = cheerio.load(el.text);
    expect($('#street-error').text()).toContain('Γράψτε την οδό');
    expect($('#postcode-error').text()).toContain('5 ψηφία');
    expect($('#city-error').text()).toContain('πόλη');
    expect($('#postcode').val()).toBe('7210');
    expect($('.govuk-error-summary a[href="#postcode"]').length).toBe(1);
    const en = await send(
      { street: 'Main', number: '12345678901', postcode: '72100', city: 'Town' },
      'en',
    );
    expect(en.status).toBe(400);
    expect(cheerio.load(en.text)('#number-error').text()).toContain('The text is too long');
    expect(await ctx.db('users').where({ id }).first('address_street')).toEqual({
      address_street: null,
    });
  });

  it('is refused by the database when incomplete, whatever the form said', async () => {
    await expect(
      ctx.db('users').where({ id }).update({ address_street: 'Οδός', address_postcode: null }),
    ).rejects.toMatchObject({ code: '23514' });
  });
});
