// The development stand-in's client and address. Kept apart from everything (no imports), so a
// test can import them without building the app's modules in a particular order.

/** The stand-in's client (known to everyone, so production refuses it). */
export const DEV_CLIENT_ID = 'dev-portal';
export const DEV_CLIENT_SECRET = 'dev-gsis-secret-never-in-production';
/** Where the stand-in answers, under the portal's own address (gsis-stand-in.routes.ts). */
export const STAND_IN_PATH = '/dev/gsis';
