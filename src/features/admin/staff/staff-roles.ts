import type { Deps } from '../../../deps.ts';
import { rolesOf } from '../../registry.ts';
import type { Role } from '../../accounts/users.repository.ts';

/** The staff roles the modules declare, by name. */
export const knownRoles = (deps: Pick<Deps, 'modules'>): string[] =>
  rolesOf(deps.modules).map((role) => role.name);

/** The roles a form asked for that exist, each once. */
export const validRoles = (deps: Pick<Deps, 'modules'>, roles: string[]): Role[] => {
  const known = knownRoles(deps);
  return [...new Set(roles)].filter((role) => known.includes(role));
};
