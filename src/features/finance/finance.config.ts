import { z } from 'zod';

export const financeConfig = z.object({
  /**
   * The municipality's creditor prefix for the RF codes the portal makes (when the financial
   * system sends none): letters and digits, with the debt's kind and number after it (21 at most).
   */
  FINANCE_RF_PREFIX: z
    .string()
    .regex(/^[0-9A-Z]{1,8}$/, '1–8 capital letters or digits')
    .default('2841'),
});
