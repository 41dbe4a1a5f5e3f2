import { afterEach, describe, expect, it } from 'vitest';
import {
  createDiavgeiaClient,
  DiavgeiaError,
} from '../../src/features/decisions/staff/diavgeia.client.ts';
import {
  startDiavgeiaStandIn,
  type DiavgeiaStandIn,
  type StandInDecision,
} from '../helpers/diavgeia-stand-in.ts';

const ORG = '6104';
const DAY_MS = 86_400_000;

/** An instant on the given day; 09:00 UTC is late morning in Athens all year. */
const at = (day: string, time = '09:00:00Z') => Date.parse(`${day}T${time}`);

function decision(i: number, day: string, extra: Partial<StandInDecision> = {}): StandInDecision {
  const ada = `ΑΔΑ${String(i).padStart(4, '0')}-ΩΡΦ`;
  return {
    ada,
    subject: `Απόφαση αριθμός ${i}`,
    issueDate: at(day),
    organizationId: ORG,
    documentUrl: `https://diavgeia.gov.gr/doc/${ada}`,
    ...extra,
  };
}

/** YYYY-MM-DD, `n` days after `day`. */
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

const running: DiavgeiaStandIn[] = [];
async function standIn(
  decisions: StandInDecision[],
  options?: { failFirst?: number },
): Promise<DiavgeiaStandIn> {
  const server = await startDiavgeiaStandIn(decisions, options);
  running.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

const params = (server: DiavgeiaStandIn, name: string) =>
  server.requests.map((url) => url.searchParams.get(name));

describe('Diavgeia client: pagination', () => {
  it('fetches every page of a window until info.total is reached', async () => {
    const all = Array.from({ length: 250 }, (_, i) => decision(i, addDays('2024-01-01', i % 90)));
    const server = await standIn(all);
    const client = createDiavgeiaClient({ baseUrl: server.baseUrl, pageSize: 100 });

    const result = await client.searchDecisions({ org: ORG, from: '2024-01-01', to: '2024-03-31' });

    expect(result).toHaveLength(250);
    expect(new Set(result.map((d) => d.ada))).toEqual(new Set(all.map((d) => d.ada)));
    expect(server.requests.every((u) => u.pathname === '/opendata/search.json')).toBe(true);
    expect(params(server, 'page')).toEqual(['0', '1', '2']);
    expect(params(server, 'size')).toEqual(['100', '100', '100']);
    expect(new Set(params(server, 'from_issue_date'))).toEqual(new Set(['2024-01-01']));
    expect(new Set(params(server, 'to_issue_date'))).toEqual(new Set(['2024-03-31']));
  });

  it('does not ask for an empty page once info.total results have arrived', async () => {
    const all = Array.from({ length: 200 }, (_, i) => decision(i, addDays('2024-01-01', i % 30)));
    const server = await standIn(all);
    const client = createDiavgeiaClient({ baseUrl: server.baseUrl, pageSize: 100 });

    const result = await client.searchDecisions({ org: ORG, from: '2024-01-01', to: '2024-01-31' });

    expect(result).toHaveLength(200);
    expect(params(server, 'page')).toEqual(['0', '1']);
  });
});

describe('Diavgeia client: date windows', () => {
  it('splits a 400-day range into 3 windows of at most 180 days, covering every day', async () => {
    const from = '2023-01-01';
    const to = '2024-02-04'; // day 400, inclusive
    const edges = ['2023-01-01', '2023-06-29', '2023-06-30', '2023-12-26', '2023-12-27', to];
    const spread = Array.from({ length: 57 }, (_, i) => addDays(from, i * 7));
    const inside = [...edges, ...spread].map((day, i) => decision(i, day));
    const outside = [decision(900, '2022-12-31'), decision(901, '2024-02-05')];
    const server = await standIn([...inside, ...outside]);
    const client = createDiavgeiaClient({ baseUrl: server.baseUrl });

    const result = await client.searchDecisions({ org: ORG, from, to });

    expect(new Set(result.map((d) => d.ada))).toEqual(new Set(inside.map((d) => d.ada)));
    const windows = server.requests.map((u) => [
      u.searchParams.get('from_issue_date'),
      u.searchParams.get('to_issue_date'),
    ]);
    expect(windows).toEqual([
      ['2023-01-01', '2023-06-29'],
      ['2023-06-30', '2023-12-26'],
      ['2023-12-27', '2024-02-04'],
    ]);
    for (const [start, end] of windows) {
      const days = (Date.parse(end!) - Date.parse(start!)) / DAY_MS + 1;
      expect(days).toBeLessThanOrEqual(180);
    }
  });

  it('rejects an inverted or malformed range before calling the server', async () => {
    const server = await standIn([]);
    const client = createDiavgeiaClient({ baseUrl: server.baseUrl });

    await expect(
      client.searchDecisions({ org: ORG, from: '2024-02-01', to: '2024-01-01' }),
    ).rejects.toThrow(RangeError);
    await expect(
      client.searchDecisions({ org: ORG, from: '2024-02-30', to: '2024-03-01' }),
    ).rejects.toThrow(/2024-02-30/);
    // `Date.parse` takes 2026-02-31 for March 3rd; the client does not.
    await expect(
      client.searchDecisions({ org: ORG, from: '2026-02-01', to: '2026-02-31' }),
    ).rejects.toThrow(/2026-02-31/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('Diavgeia client: mapping and filtering', () => {
  it('maps fields, dates acts by the Athens calendar day and falls back to /doc/{ada}', async () => {
    const winter = decision(1, '2024-03-14', {
      ada: 'ΨΘ82ΩΡΦ-7ΑΙ',
      issueDate: at('2024-03-14', '22:30:00Z'), // 00:30 on the 15th in Athens (UTC+2)
      protocolNumber: '258/2024',
      decisionTypeId: '2.4.7.1',
    });
    const summer = decision(2, '2024-07-31', {
      ada: '624ΙΩΡΦ-ΥΕΨ',
      issueDate: at('2024-07-31', '21:30:00Z'), // 00:30 on 1 August in Athens (UTC+3)
      documentUrl: undefined,
    });
    const afterDstEnds = decision(3, '2024-10-27', {
      issueDate: at('2024-10-27', '21:59:00Z'), // 23:59 in Athens, back on UTC+2
    });
    const server = await standIn([winter, summer, afterDstEnds]);
    const accepts: Array<string | null> = [];
    const fetchImpl: typeof fetch = (input, init) => {
      accepts.push(new Headers(init?.headers).get('accept'));
      return fetch(input, init);
    };
    const client = createDiavgeiaClient({ baseUrl: `${server.baseUrl}/`, fetchImpl });

    const result = await client.searchDecisions({ org: ORG, from: '2024-03-01', to: '2024-10-31' });

    const byAda = Object.fromEntries(result.map((d) => [d.ada, d]));
    expect(byAda['ΨΘ82ΩΡΦ-7ΑΙ']).toEqual({
      ada: 'ΨΘ82ΩΡΦ-7ΑΙ',
      subject: 'Απόφαση αριθμός 1',
      issueDate: '2024-03-15',
      documentUrl: 'https://diavgeia.gov.gr/doc/ΑΔΑ0001-ΩΡΦ',
      protocolNumber: '258/2024',
      decisionTypeId: '2.4.7.1',
    });
    expect(byAda['624ΙΩΡΦ-ΥΕΨ']).toEqual({
      ada: '624ΙΩΡΦ-ΥΕΨ',
      subject: 'Απόφαση αριθμός 2',
      issueDate: '2024-08-01',
      documentUrl: `${server.baseUrl}/doc/624ΙΩΡΦ-ΥΕΨ`,
      protocolNumber: null,
      decisionTypeId: null,
    });
    expect(byAda['ΑΔΑ0003-ΩΡΦ']?.issueDate).toBe('2024-10-27');
    expect(result).toHaveLength(3);
    expect(accepts.length).toBeGreaterThan(0);
    expect(accepts.every((a) => a === 'application/json')).toBe(true);
  });

  it('asks only for the given organization and type', async () => {
    const ours = decision(1, '2024-05-02', { decisionTypeId: 'Β.1.1' });
    const oursOtherType = decision(2, '2024-05-03', { decisionTypeId: '2.4.7.1' });
    const theirs = decision(3, '2024-05-02', { organizationId: '9999', decisionTypeId: 'Β.1.1' });
    const server = await standIn([ours, oursOtherType, theirs]);
    const client = createDiavgeiaClient({ baseUrl: server.baseUrl });

    const all = await client.searchDecisions({ org: ORG, from: '2024-05-01', to: '2024-05-31' });
    const budgets = await client.searchDecisions({
      org: ORG,
      from: '2024-05-01',
      to: '2024-05-31',
      type: 'Β.1.1',
    });

    expect(all.map((d) => d.ada).sort()).toEqual([ours.ada, oursOtherType.ada].sort());
    expect(budgets.map((d) => d.ada)).toEqual([ours.ada]);
    expect(params(server, 'org')).toEqual([ORG, ORG]);
    expect(params(server, 'type')).toEqual([null, 'Β.1.1']);
  });

  it('returns each ADA once, even when it comes back on two pages', async () => {
    const first = decision(1, '2024-05-10', { subject: 'Αρχική ανάρτηση' });
    const again = { ...first, issueDate: at('2024-05-01'), subject: 'Ίδια πράξη, δεύτερη φορά' };
    const others = [2, 3, 4].map((i) => decision(i, `2024-05-0${i + 3}`));
    const server = await standIn([first, ...others, again]);
    const client = createDiavgeiaClient({ baseUrl: server.baseUrl, pageSize: 2 });

    const result = await client.searchDecisions({ org: ORG, from: '2024-05-01', to: '2024-05-31' });

    expect(server.requests.length).toBeGreaterThan(1);
    expect(result.filter((d) => d.ada === first.ada)).toHaveLength(1);
    // The first copy seen is kept; a later one does not overwrite it.
    expect(result.find((d) => d.ada === first.ada)?.subject).toBe('Αρχική ανάρτηση');
    expect(result.map((d) => d.ada).sort()).toEqual([first, ...others].map((d) => d.ada).sort());
  });

  it('drops revoked acts', async () => {
    const published = decision(1, '2024-05-02', { status: 'PUBLISHED' });
    const revoked = decision(2, '2024-05-03', { status: 'REVOKED' });
    const server = await standIn([published, revoked]);
    const client = createDiavgeiaClient({ baseUrl: server.baseUrl });

    const result = await client.searchDecisions({ org: ORG, from: '2024-05-01', to: '2024-05-31' });

    expect(result.map((d) => d.ada)).toEqual([published.ada]);
  });

  it('skips malformed entries and keeps paging past them', async () => {
    const good = [1, 2, 3].map((i) => decision(i, `2024-06-0${i}`));
    const malformed = [
      decision(4, '2024-06-04', { ada: '' }),
      { ...decision(5, '2024-06-05'), subject: null } as unknown as StandInDecision,
      { ...decision(6, '2024-06-06'), protocolNumber: 258 } as unknown as StandInDecision,
    ];
    const server = await standIn([...good, ...malformed]);
    const client = createDiavgeiaClient({ baseUrl: server.baseUrl, pageSize: 2 });

    const result = await client.searchDecisions({ org: ORG, from: '2024-06-01', to: '2024-06-30' });

    // Newest first: the three malformed acts fill page 0 and half of page 1.
    expect(params(server, 'page')).toEqual(['0', '1', '2']);
    expect(result.map((d) => d.ada).sort()).toEqual(good.map((d) => d.ada).sort());
  });
});

describe('Diavgeia client: failures', () => {
  const query = { org: ORG, from: '2024-01-01', to: '2024-01-31' };

  it('throws DiavgeiaError with the status when the server answers 503', async () => {
    const server = await standIn([decision(1, '2024-01-10')], { failFirst: 1 });
    const client = createDiavgeiaClient({ baseUrl: server.baseUrl });

    const error = await client.searchDecisions(query).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DiavgeiaError);
    expect((error as Error).message).toMatch(/HTTP 503/);
    expect(server.requests).toHaveLength(1);
    // The stand-in recovers after `failFirst` requests, so the same call now succeeds.
    await expect(client.searchDecisions(query)).resolves.toHaveLength(1);
  });

  it('throws DiavgeiaError when the server cannot be reached', async () => {
    const server = await startDiavgeiaStandIn([]);
    await server.close();
    const client = createDiavgeiaClient({ baseUrl: server.baseUrl, timeoutMs: 5_000 });

    const error = await client.searchDecisions(query).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DiavgeiaError);
    expect((error as Error).message).toMatch(/network error.*ECONNREFUSED/);
  });

  it('throws DiavgeiaError on malformed JSON and on a body without info.total', async () => {
    const answer =
      (body: string): typeof fetch =>
      () =>
        Promise.resolve(new Response(body, { status: 200 }));
    const baseUrl = 'http://diavgeia.invalid';

    await expect(
      createDiavgeiaClient({ baseUrl, fetchImpl: answer('<html>') }).searchDecisions(query),
    ).rejects.toThrow(/malformed JSON/);
    await expect(
      createDiavgeiaClient({ baseUrl, fetchImpl: answer('{"decisions":[]}') }).searchDecisions(
        query,
      ),
    ).rejects.toBeInstanceOf(DiavgeiaError);
  });

  it('throws DiavgeiaError when the server does not answer within timeoutMs', async () => {
    const hang: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error));
      });
    const client = createDiavgeiaClient({
      baseUrl: 'http://diavgeia.invalid',
      timeoutMs: 50,
      fetchImpl: hang,
    });

    await expect(client.searchDecisions(query)).rejects.toThrow(/timed out after 50 ms/);
  });
});
