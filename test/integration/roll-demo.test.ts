import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, seedDemoAccounts } from '../../src/db/demo-accounts.ts';
import { seedDemoData } from '../../src/db/seed.ts';
import { MODULES } from '../../src/features/index.ts';
import { isValidAfm } from '../../src/lib/afm.ts';
import { createTestContext, type TestContext } from '../helpers/test-app.ts';

const NOW = new Date('2026-12-22T08:00:00Z');
let ctx: TestContext;
const rollModule = () => MODULES.find((m) => m.name === 'roll')!;
const afmOf = (username: string) =>
  DEMO_ACCOUNTS.find((a) => a.username === username)!.identityCheck!.afm;

beforeAll(async () => {
  ctx = await createTestContext({}, { clock: { now: () => NOW } });
  await seedDemoAccounts(ctx.db, { production: false, now: NOW });
  const options = { municipality: 'Δήμος Αγίου Νικολάου', today: NOW };
  expect(await seedDemoData(ctx.db, ctx.deps.documents, options, [rollModule()])).toEqual(['roll']);
  // A second start leaves the demo roll as it is.
  expect(await seedDemoData(ctx.db, ctx.deps.documents, options, [rollModule()])).toEqual([]);
});
afterAll(async () => {
  await ctx.close();
});

describe('the demo roll (seeds/roll/roll.csv, Windows-1253)', () => {
  it('goes through the same import: one import, merged, 20 persons in 7 records', async () => {
    const imports = await ctx.db('roll_imports').select('channel', 'status', 'encoding');
    expect(imports).toEqual([{ channel: 'demo', status: 'merged', encoding: 'windows-1253' }]);
    expect(await ctx.db('roll_records').count<{ n: number }[]>('* as n')).toEqual([{ n: 7 }]);
    const persons = await ctx.db('roll_persons').select();
    expect(persons).toHaveLength(20);
    for (const person of persons)
      if (person.afm) expect(isValidAfm(person.afm), person.afm).toBe(true);
  });

  it('puts each verified demo citizen on the roll, with the families certificates need', async () => {
    const { roll } = ctx.services;
    const giorgos = (await roll.personByAfm(afmOf('demo.verified')))!;
    expect([giorgos.given_name, giorgos.surname, giorgos.relation]).toEqual([
      'Γιώργος',
      'Μανωλάκης',
      'head',
    ]);
    const family = (await roll.recordOf(giorgos))!;
    expect(family.members.map((m) => [m.given_name, m.relation, m.afm])).toEqual([
      ['Γιώργος', 'head', '102938470'],
      ['Κατερίνα', 'spouse', '203040507'],
      ['Ιωάννης', 'child', null],
      ['Ελένη', 'child', null],
    ]);
    const katerina = (await roll.personByAfm(afmOf('demo.nodebt')))!;
    expect([katerina.surname, katerina.father_name, katerina.mother_name]).toEqual([
      'Κουτάκη',
      'Μιχαήλ',
      'Αγγελική',
    ]);
    const nikos = (await roll.personByAfm(afmOf('demo.instalments')))!;
    const household = (await roll.recordOf(nikos))!;
    expect(household.members.map((m) => [m.given_name, m.relation, m.marital_status])).toEqual([
      ['Νίκος', 'head', 'divorced'],
      ['Ειρήνη', 'parent', 'widowed'],
    ]);
    // A deceased head with his widow and son: a next-of-kin certificate has a case.
    const [deceased] = await ctx.db('roll_persons').whereNotNull('deceased_on');
    expect([deceased.given_name, deceased.surname, deceased.deceased_on]).toEqual([
      'Μιχαήλ',
      'Κουτάκης',
      '2021-11-02',
    ]);
    const kin = (await roll.recordOf(deceased))!;
    expect(kin.members.map((m) => m.relation)).toEqual(['head', 'spouse', 'child']);
  });
});
