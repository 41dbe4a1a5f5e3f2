import { moduleConfig } from '../../config.ts';
import type { Deps } from '../../deps.ts';
import type { Clients } from '../../services.ts';
import { decisionsConfig } from './decisions.config.ts';
import { createDecisionsService } from './decisions.service.ts';
import { createDecisionsEditor } from './staff/decisions-editor.service.ts';
import { createDiavgeiaClient, type DiavgeiaClient } from './staff/diavgeia.client.ts';

/** The public register, the editors' service and the Diavgeia client (given, or built from the config). */
export function decisionsServices(deps: Deps, clients: Partial<Clients>) {
  const diavgeia =
    clients.diavgeia ??
    createDiavgeiaClient({ baseUrl: moduleConfig(deps.config, decisionsConfig).DIAVGEIA_BASE_URL });
  return {
    decisions: createDecisionsService(deps.db, deps.contentCache),
    decisionsEditor: createDecisionsEditor(deps, diavgeia),
    diavgeia,
  };
}

declare module '../../services.ts' {
  interface Services extends ReturnType<typeof decisionsServices> {}
  interface Clients {
    diavgeia: DiavgeiaClient;
  }
}
