/**
 * The caches serve from memory only once their LISTEN connection is up (a few milliseconds), and
 * the notifications of the test's own setup writes arrive a moment later: wait for both.
 */
export async function untilListening(cache: {
  isListening: () => boolean;
  generation: () => number;
}): Promise<void> {
  const sleep = () => new Promise((resolve) => setTimeout(resolve, 50));
  for (let waited = 0; !cache.isListening(); waited += 50) {
    if (waited > 5000) throw new Error('the cache never started listening');
    await sleep();
  }
  for (let quiet = 0, seen = cache.generation(); quiet < 4; quiet += 1) {
    await sleep();
    if (cache.generation() !== seen) [quiet, seen] = [0, cache.generation()];
  }
}

type PageAgent = { get: (path: string) => PromiseLike<{ text: string; status: number }> };

/** Counts the app's renders (a kept page is answered without one). */
export function countRenders(app: { render: (...args: never[]) => void }): () => number {
  let renders = 0;
  const render = app.render.bind(app) as (...args: unknown[]) => void;
  app.render = ((...args: unknown[]) => {
    renders += 1;
    render(...args);
  }) as typeof app.render;
  return () => renders;
}

/** Views `path` until a view renders nothing (the first views store the session anew); the last page. */
export async function untilKept<T extends { text: string; status: number }>(
  agent: { get: (path: string) => PromiseLike<T> },
  path: string,
  renders: () => number,
): Promise<T> {
  for (let view = 0; view < 10; view += 1) {
    const before = renders();
    const res = await agent.get(path);
    if (renders() === before) return res;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${path} was rendered on every view`);
}

/** Views `path` until it shows `text` (another process's write arrives by NOTIFY, within moments). */
export async function untilShown(agent: PageAgent, path: string, text: string) {
  for (let waited = 0; waited < 3000; waited += 50) {
    const res = await agent.get(path);
    if (res.text.includes(text)) return res;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${path} never showed ${text}`);
}
