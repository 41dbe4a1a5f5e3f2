import type { Conn } from '../../db/knex.ts';

export type Relation = 'head' | 'spouse' | 'child' | 'parent' | 'sibling' | 'other';

/** A person on the municipal roll, as certificates print them. */
export interface RollPerson {
  id: number;
  source_id: string;
  record_id: number;
  relation: Relation;
  surname: string;
  given_name: string;
  father_name: string;
  mother_name: string;
  /** 'YYYY-MM-DD' (the pg date parser is set to keep dates as text). */
  birth_date: string;
  birth_place: string;
  sex: 'M' | 'F';
  marital_status: 'single' | 'married' | 'divorced' | 'widowed' | null;
  afm: string | null;
  registered_on: string | null;
  deceased_on: string | null;
  struck_off_on: string | null;
}

export interface RollRecord {
  id: number;
  record_number: string;
  municipal_unit: string;
  address: string | null;
}

const RELATION_ORDER = `CASE relation WHEN 'head' THEN 1 WHEN 'spouse' THEN 2 WHEN 'child' THEN 3
  WHEN 'parent' THEN 4 WHEN 'sibling' THEN 5 ELSE 6 END`;

/** The person a verified citizen is on the roll (by the AFM the counter recorded), if any. */
export async function personByAfm(db: Conn, afm: string): Promise<RollPerson | undefined> {
  return db<RollPerson>('roll_persons').where({ afm }).first();
}

export async function personById(db: Conn, id: number): Promise<RollPerson | undefined> {
  return db<RollPerson>('roll_persons').where({ id }).first();
}

/** A family record (μερίδα) and everyone on it, the head first, then by relation and birth. */
export async function recordWithMembers(
  db: Conn,
  recordId: number,
): Promise<{ record: RollRecord; members: RollPerson[] } | undefined> {
  const record = await db<RollRecord>('roll_records').where({ id: recordId }).first();
  if (!record) return undefined;
  const members = await db<RollPerson>('roll_persons')
    .where({ record_id: recordId })
    .orderByRaw(`${RELATION_ORDER}, birth_date, id`);
  return { record, members };
}

/** "Surname Given-name": how the roll and the certificates name a person. */
export const fullNameOf = (person: Pick<RollPerson, 'surname' | 'given_name'>): string =>
  `${person.given_name} ${person.surname}`;
