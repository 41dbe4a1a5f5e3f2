import type { Deps } from '../../deps.ts';

/** Erases accessibility needs and documents N days after each appointment (to be built). */
export async function eraseExpiredDetails(_deps: Deps): Promise<void> {}
