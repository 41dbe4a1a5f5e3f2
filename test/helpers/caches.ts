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
