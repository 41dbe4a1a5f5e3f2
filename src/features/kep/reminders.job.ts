import type { Deps } from '../../deps.ts';

/** Enqueues each reminder that is due, once (to be built). */
export async function sendDueReminders(_deps: Deps): Promise<void> {}
