import { z } from 'zod';

/** The decisions module's settings: where Diavgeia is, and the municipality's organisation id there. */
export const decisionsConfig = z.object({
  DIAVGEIA_BASE_URL: z.url().default('https://diavgeia.gov.gr'),
  DIAVGEIA_ORG_ID: z.string().default(''),
});
