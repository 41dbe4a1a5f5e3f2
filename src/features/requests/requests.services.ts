import type { Deps } from '../../deps.ts';
import { bindDeps } from '../../lib/bind-deps.ts';
import { findCategory } from './requests.repository.ts';
import { fileRequest, followRequest, nearDuplicates, outsideArea } from './requests.service.ts';

/** Whether a category exists and takes requests. */
async function categoryExists(deps: Pick<Deps, 'db'>, id: number): Promise<boolean> {
  return (await findCategory(deps.db, id)) !== undefined;
}

/** Requests and complaints: filing, following, near-duplicates (the phone portal files through it too). */
export function requestsServices(deps: Deps) {
  return {
    requests: bindDeps(deps, {
      outsideArea,
      categoryExists,
      nearDuplicates,
      fileRequest,
      followRequest,
    }),
  };
}

declare module '../../services.ts' {
  interface Services extends ReturnType<typeof requestsServices> {}
}
