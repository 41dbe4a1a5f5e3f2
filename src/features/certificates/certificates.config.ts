import { z } from 'zod';

export const certificatesConfig = z.object({
  /**
   * The municipality's signing certificate and key (PKCS#12): certificates are sealed with it.
   * Unset in development and tests: a self-signed one is made on first start. Production issues
   * nothing without it.
   */
  CERTIFICATES_P12_PATH: z.string().default(''),
  CERTIFICATES_P12_PASSPHRASE: z.string().default(''),
});
