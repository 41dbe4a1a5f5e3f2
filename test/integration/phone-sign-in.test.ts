import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import twilio from 'twilio';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';
import { PhoneCall, phoneCitizen, signedInCall } from '../helpers/phone.ts';
import { webhookSignature } from '../../src/features/phone/signature.ts';
import { DEV_AUTH_TOKEN } from '../../src/features/phone/phone.config.ts';

let ctx: TestContext;
let base: string;

beforeAll(async () => {
  ctx = await createTestContext();
  base = ctx.deps.config.baseUrl;
});
afterAll(async () => ctx.close());

const callsOf = (userId: number) =>
  ctx.db('phone_calls').where({ user_id: userId }).select() as Promise<Record<string, unknown>[]>;

describe('the phone portal: signing', () => {
  it('signs as Twilio does: its validateRequest accepts our signature, also with repeated names', () => {
    const url = 'https://portal.example.gr/phone/step?n=3';
    const params = { CallSid: 'CA1234567890', Digits: '12#', From: '+306900000101', Ω: 'ελληνικά' };
    const ours = webhookSignature('a-token-of-sixteen+', url, params);
    expect(twilio.validateRequest('a-token-of-sixteen+', ours, url, params)).toBe(true);
    expect(twilio.validateRequest('another-token-sixteen', ours, url, params)).toBe(false);
    const repeated = { CallSid: 'CA1234567890', Tag: ['b', 'a'] };
    expect(webhookSignature('tok-tok-tok-tok-tok', url, repeated)).toBe(
      twilio.getExpectedTwilioSignature('tok-tok-tok-tok-tok', url, repeated),
    );
  });

  it('refuses unsigned, wrongly signed, replayed and malformed webhooks without a trace', async () => {
    const before = Number((await ctx.db('phone_calls').count({ n: '*' }).first())!.n);
    const params = { CallSid: 'CA00000000000000000000000000000001', From: '+306900000101' };
    const url = `${base}/phone/voice`;
    const unsigned = await request(ctx.app).post('/phone/voice').type('form').send(params);
    expect(unsigned.status).toBe(403);
    const wrong = await request(ctx.app)
      .post('/phone/voice')
      .type('form')
      .set('X-Twilio-Signature', webhookSignature('not-the-token-at-all', url, params))
      .send(params);
    expect(wrong.status).toBe(403);
    // Signed for another URL (the status webhook) and sent to this one.
    const replayed = await request(ctx.app)
      .post('/phone/voice')
      .type('form')
      .set('X-Twilio-Signature', webhookSignature(DEV_AUTH_TOKEN, `${base}/phone/status`, params))
      .send(params);
    expect(replayed.status).toBe(403);
    // Signed, but JSON: not what the provider sends.
    const json = await request(ctx.app)
      .post('/phone/voice')
      .set('X-Twilio-Signature', webhookSignature(DEV_AUTH_TOKEN, url, params))
      .send(params);
    expect(json.status).toBe(403);
    const noSid = { From: '+306900000101' };
    const missing = await request(ctx.app)
      .post('/phone/voice')
      .type('form')
      .set('X-Twilio-Signature', webhookSignature(DEV_AUTH_TOKEN, url, noSid))
      .send(noSid);
    expect(missing.status).toBe(400);
    const oddDigits = { ...params, Digits: '12a' };
    const odd = await request(ctx.app)
      .post('/phone/step?n=1')
      .type('form')
      .set(
        'X-Twilio-Signature',
        webhookSignature(DEV_AUTH_TOKEN, `${base}/phone/step?n=1`, oddDigits),
      )
      .send(oddDigits);
    expect(odd.status).toBe(400);
    const huge = { ...params, Extra: 'x'.repeat(200_000) };
    const tooBig = await request(ctx.app)
      .post('/phone/voice')
      .type('form')
      .set('X-Twilio-Signature', webhookSignature(DEV_AUTH_TOKEN, url, huge))
      .send(huge);
    expect(tooBig.status).toBe(413);
    const after = Number((await ctx.db('phone_calls').count({ n: '*' }).first())!.n);
    expect(after).toBe(before);
  });
});

describe('the phone portal: signing in', () => {
  it('greets in Greek, offers English in English, and signs in with the PIN', async () => {
    const caller = await phoneCitizen(ctx.db);
    const call = new PhoneCall(ctx.app, { from: caller.phone, baseUrl: base });
    const greeting = await call.dial();
    expect(greeting.status).toBe(200);
    expect(greeting.languages).toEqual(['el-GR', 'en-GB']);
    expect(greeting.says[1]).toBe('For English, press 9.');
    expect(greeting.gather?.numDigits).toBe(1);
    const pin = await call.press('9');
    expect(pin.says.join(' ')).toContain('six-digit');
    expect(pin.gather?.numDigits).toBe(6);
    const menu = await call.press(caller.pin);
    // The account's language after sign-in (Greek here).
    expect(menu.languages.every((lang) => lang === 'el-GR')).toBe(true);
    expect(menu.says.join(' ')).toContain('πατήστε 3');
    const [row] = await callsOf(caller.id);
    expect(row?.outcomes).toEqual(['signed_in']);
  });

  it('counts wrong PINs per account and per number, locks after 5, and never names an account', async () => {
    const caller = await phoneCitizen(ctx.db);
    const wrongPin = caller.pin === '000000' ? '111111' : '000000';
    const sayings: string[] = [];
    for (let n = 0; n < 4; n += 1) {
      const call = new PhoneCall(ctx.app, { from: caller.phone, baseUrl: base });
      await call.dial();
      await call.silence();
      const answer = await call.press(wrongPin);
      sayings.push(answer.says[0]!);
    }
    // An unknown number hears the same words.
    const stranger = new PhoneCall(ctx.app, { from: '+306977777777', baseUrl: base });
    await stranger.dial();
    await stranger.silence();
    expect((await stranger.press('123456')).says[0]).toBe(sayings[0]);
    // The fifth wrong PIN locks: even the right one is refused, for the phone only.
    const fifth = new PhoneCall(ctx.app, { from: caller.phone, baseUrl: base });
    await fifth.dial();
    await fifth.silence();
    const locked = await fifth.press(wrongPin);
    expect(locked.hangup).toBe(true);
    const again = new PhoneCall(ctx.app, { from: caller.phone, baseUrl: base });
    await again.dial();
    await again.silence();
    const stillLocked = await again.press(caller.pin);
    expect(stillLocked.hangup).toBe(true);
    expect(stillLocked.says.join(' ')).toMatch(/κλειδώσει/);
    // Nothing typed is kept: the log rows hold no digits.
    const rows = (await ctx.db('phone_calls').select()) as Record<string, unknown>[];
    expect(JSON.stringify(rows)).not.toContain(wrongPin);
    expect(JSON.stringify(rows)).not.toContain(caller.pin);
  });

  it('says goodbye after three wrong PINs in one call', async () => {
    const caller = await phoneCitizen(ctx.db);
    const call = new PhoneCall(ctx.app, { from: caller.phone, baseUrl: base });
    await call.dial();
    await call.silence();
    await call.press('999999');
    await call.press('999998');
    const third = await call.press('999997');
    expect(third.hangup).toBe(true);
  });

  it('withheld caller ID: the number typed, then the PIN; at most 3 numbers a call', async () => {
    const caller = await phoneCitizen(ctx.db);
    const call = new PhoneCall(ctx.app, { from: 'anonymous', baseUrl: base });
    await call.dial();
    const number = await call.silence();
    expect(number.gather?.finishOnKey).toBe('#');
    await call.press(caller.phone.replace('+30', ''));
    const menu = await call.press(caller.pin);
    expect(menu.says.join(' ')).toContain('πατήστε 1');

    const guesser = new PhoneCall(ctx.app, { from: 'anonymous', baseUrl: base });
    await guesser.dial();
    await guesser.silence();
    for (const n of ['6900000001', '6900000002']) {
      await guesser.press(n);
      await guesser.press('123456');
    }
    await guesser.press('6900000003');
    const last = await guesser.press('123456');
    expect(last.hangup).toBe(true);
  });

  it('repeats a menu on 0 and on silence, and ends after three bad choices', async () => {
    const caller = await phoneCitizen(ctx.db);
    const call = await signedInCall(ctx.app, base, caller);
    const first = call.screen!.says.at(-1);
    expect((await call.press('0')).says.at(-1)).toBe(first);
    expect((await call.silence()).says.at(-1)).toBe(first);
    await call.press('7');
    const third = await call.press('8');
    expect(third.hangup).toBe(true);
  });

  it('a retried step is answered the same and done once', async () => {
    const caller = await phoneCitizen(ctx.db);
    const call = await signedInCall(ctx.app, base, caller);
    const menu = call.screen!;
    const retried = await call.resend();
    expect(retried.xml).toBe(menu.xml);
    const [row] = await callsOf(caller.id);
    expect(row?.seq).toBe(2);
    // Both at once: one works it out, the other waits and gets the same answer.
    const next = `${base}/phone/step?n=3`;
    const [a, b] = await Promise.all([
      call.post(next, { Digits: '0' }),
      call.post(next, { Digits: '0' }),
    ]);
    expect(a.xml).toBe(b.xml);
    expect(a.status).toBe(200);
    expect((await callsOf(caller.id))[0]?.seq).toBe(3);
    expect(await call.hangUp(61)).toBe(204);
    const [ended] = await callsOf(caller.id);
    expect(ended?.duration_seconds).toBe(61);
    expect(ended?.state).toEqual({});
    expect(ended?.answer).toBeNull();
  });

  it('a key that is # in a one-key question is a bad try, said so, not silence', async () => {
    const caller = await phoneCitizen(ctx.db);
    const call = await signedInCall(ctx.app, base, caller);
    const answer = await call.press('#');
    expect(answer.says[0]).toBe('Αυτή δεν είναι μία από τις επιλογές.');
    expect(answer.hangup).toBe(false);
  });

  it('an account disabled during the call is signed out of it, and stays in the call log', async () => {
    const caller = await phoneCitizen(ctx.db);
    const call = await signedInCall(ctx.app, base, caller);
    await ctx.db('users').where({ id: caller.id }).update({ status: 'disabled' });
    ctx.deps.userCache.invalidate(String(caller.id));
    const answer = await call.press('3');
    expect(answer.hangup).toBe(true);
    const [row] = await callsOf(caller.id);
    expect(row?.ended_at).not.toBeNull();
  });

  it('refuses a repeated parameter and a step that is not the next one', async () => {
    const caller = await phoneCitizen(ctx.db);
    const call = await signedInCall(ctx.app, base, caller);
    const url = `${base}/phone/step?n=3`;
    const params = { CallSid: call.callSid, Digits: ['1', '2'] };
    const repeated = await request(ctx.app)
      .post('/phone/step?n=3')
      .type('form')
      .set('X-Twilio-Signature', webhookSignature(DEV_AUTH_TOKEN, url, params))
      .send('CallSid=' + call.callSid + '&Digits=1&Digits=2');
    expect(repeated.status).toBe(400);
    const ahead = await call.post(`${base}/phone/step?n=9`, { Digits: '1' });
    expect(ahead.status).toBe(409);
    expect((await callsOf(caller.id))[0]?.seq).toBe(2);
  });
});
