import type { Deps } from './deps.ts';

/**
 * Every module's services by name, as `ctx.services` gives them to routers and jobs. Each module
 * adds its own to this interface from its `<name>.services.ts`:
 *
 *   declare module '../../services.ts' {
 *     interface Services extends ReturnType<typeof requestsServices> {}
 *   }
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the modules
export interface Services {}

/**
 * The clients of outside services (Diavgeia now; GSIS, the phone provider, Jitsi later), which a
 * module adds the same way: built from the config, or given (a test's stand-in).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the modules
export interface Clients {}

/**
 * The composition root's second half: every module's services (its manifest's `services`) built
 * once, from the shared deps and the outside clients, and handed to the routers through the
 * module context and to the worker's jobs. A router never builds a service or a client. A service
 * is a module's named functions, each taking the deps it uses, given them once (lib/bind-deps.ts).
 */
export function createServices(deps: Deps, clients: Partial<Clients> = {}): Services {
  const services: Record<string, unknown> = {};
  const owners = new Map<string, string>();
  for (const module of deps.modules)
    for (const [name, service] of Object.entries(module.services?.(deps, clients) ?? {})) {
      const other = owners.get(name);
      if (other) throw new Error(`Service ${name} is offered by ${other} and ${module.name}`);
      owners.set(name, module.name);
      services[name] = service;
    }
  return services as unknown as Services;
}
