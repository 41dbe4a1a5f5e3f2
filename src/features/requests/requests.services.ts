import type { Deps } from '../../deps.ts';
import { bindDeps } from '../../lib/bind-deps.ts';
import { findCategory } from './categories.repository.ts';
import { addComment, reopenRequest } from './citizen-updates.service.ts';
import { followRequest, nearDuplicates } from './duplicates.service.ts';
import { activeCategories, filePhoneRequest, latestRequests } from './phone-filing.service.ts';
import { fileRequest, outsideArea } from './requests.service.ts';
import { mergeRequest, moveRequest, setVisibility } from './staff/handling-changes.service.ts';
import { answerRequest, assignRequest, changeStatus } from './staff/handling.service.ts';
import { approvePhoto, withdrawPhotoApproval } from './staff/photo-approval.service.ts';
import { setTitleAndPlace } from './staff/title-place.service.ts';

/** Whether a category exists and takes requests. */
async function categoryExists(deps: Pick<Deps, 'db'>, id: number): Promise<boolean> {
  return (await findCategory(deps.db, id)) !== undefined;
}

/**
 * Requests and complaints: filing, following, near-duplicates (the phone portal files through it
 * too); the handlers' actions on a request of their departments.
 */
export function requestsServices(deps: Deps) {
  return {
    requests: bindDeps(deps, {
      outsideArea,
      categoryExists,
      activeCategories,
      nearDuplicates,
      fileRequest,
      filePhoneRequest,
      latestRequests,
      followRequest,
      addComment,
      reopenRequest,
    }),
    requestHandling: bindDeps(deps, {
      assignRequest,
      changeStatus,
      answerRequest,
      mergeRequest,
      moveRequest,
      setVisibility,
      setTitleAndPlace,
      approvePhoto,
      withdrawPhotoApproval,
    }),
  };
}

declare module '../../services.ts' {
  interface Services extends ReturnType<typeof requestsServices> {}
}
