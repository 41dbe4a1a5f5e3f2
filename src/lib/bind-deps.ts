/**
 * A service is a set of named functions that take the deps they use first; `bindDeps` gives them
 * those deps once (in createServices), so a router calls `services.signIn.signIn(login, ...)`.
 */
export type BoundTo<D, F> = {
  [K in keyof F]: F[K] extends (deps: D, ...args: infer A) => infer R ? (...args: A) => R : never;
};

export function bindDeps<D, F extends Record<string, (deps: D, ...args: never[]) => unknown>>(
  deps: D,
  functions: F,
): BoundTo<D, F> {
  const bound: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(functions))
    bound[name] = (...args: never[]) => fn(deps, ...args);
  return bound as BoundTo<D, F>;
}
