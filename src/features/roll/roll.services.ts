import type { Deps } from '../../deps.ts';
import {
  personByAfm,
  personById,
  recordWithMembers,
  type RollPerson,
  type RollRecord,
} from './roll.repository.ts';

export interface RollServices {
  /** The roll's person with this AFM (a verified citizen's own), if any. */
  personByAfm(afm: string): Promise<RollPerson | undefined>;
  person(id: number): Promise<RollPerson | undefined>;
  /** A person's family record and its members. */
  recordOf(person: RollPerson): Promise<{ record: RollRecord; members: RollPerson[] } | undefined>;
}

export function rollServices(deps: Deps): { roll: RollServices } {
  return {
    roll: {
      personByAfm: (afm) => personByAfm(deps.db, afm),
      person: (id) => personById(deps.db, id),
      recordOf: (person) => recordWithMembers(deps.db, person.record_id),
    },
  };
}

declare module '../../services.ts' {
  interface Services {
    roll: RollServices;
  }
}
