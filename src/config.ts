import { isIP } from 'node:net';
import { MODULES } from './features/index.ts';
import type { Module } from './features/module.ts';
import { z } from 'zod';
import { ConfigError } from './module-config.ts';

export { ConfigError, moduleConfig } from './module-config.ts';

const DEV_SESSION_SECRET = 'dev-only-session-secret-change-me-please';

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/**
 * Which proxies' X-Forwarded-For to believe, as Express's 'trust proxy' takes it: a number of
 * hops, or proxy addresses, subnets and Express's names (loopback, linklocal, uniquelocal).
 * `true` (believe any client's header) would let every visitor pick their own address, and with
 * it the per-address limits and the audit log's addresses: refused. Default: no proxy.
 */
const trustProxy = z
  .string()
  .optional()
  .transform((value, ctx): number | string[] => {
    const text = (value ?? '').trim();
    if (text === '' || text === 'false') return 0;
    if (/^\d{1,2}$/.test(text)) return Number(text);
    const problem = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (/^true$/i.test(text))
      return problem(
        "'true' believes any client's X-Forwarded-For; give the number of proxies in front (e.g. 1) or their addresses (e.g. loopback, 10.0.0.0/8)",
      );
    const items = text.split(',').map((item) => item.trim());
    const bad = items.find((item) => !isProxyAddress(item));
    if (bad !== undefined)
      return problem(
        `'${bad}' is not a number of proxies, an IP address, a subnet (10.0.0.0/8) or one of loopback, linklocal, uniquelocal`,
      );
    return items;
  });

function isProxyAddress(item: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(item)) return true;
  const [address = '', prefix, ...rest] = item.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  if (family === 4 && isIP(prefix) === 4) return true; // a netmask: 10.0.0.0/255.0.0.0
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

const hexColour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1d5a8c');

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  BASE_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: trustProxy,

  DATABASE_URL: z.url().optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  EMBEDDED_PG_DIR: z.string().default('.data/postgres'),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  SEED_DEMO_DATA: bool.default(true),

  SESSION_SECRET: z.string().min(32).default(DEV_SESSION_SECRET),
  UPLOAD_DIR: z.string().default('.data/uploads'),
  CONTENT_CACHE: bool.default(true),
  /** All in-process caches together (content, accounts, rendered pages), in bytes. */
  CACHE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(0)
    .max(2 ** 40)
    .default(32 * 1024 * 1024),
  CACHE_MAX_AGE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  CACHE_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(300).default(10),

  SMTP_URL: z.url().optional(),
  MAIL_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  MAIL_RETRY_LIMIT: z.coerce.number().int().min(0).max(100).default(20),
  RUN_WORKER: bool.default(true),
  /** A citizen's account not activated within this many days (of its last activation email) is deleted. */
  PENDING_ACCOUNT_DAYS: z.coerce.number().int().min(1).max(365).default(7),
  MAIL_FROM: z.string().default('Δήμος Αγίου Νικολάου <noreply@example.gov.gr>'),

  MUNICIPALITY_NAME_EL: z.string().min(1).default('Δήμος Αγίου Νικολάου'),
  MUNICIPALITY_NAME_EN: z.string().min(1).default('Municipality of Agios Nikolaos'),
  MUNICIPALITY_WEBSITE: z.url().default('https://www.agiosnikolaos.gr'),
  MUNICIPALITY_BRAND_COLOUR: hexColour.default('#0b4f71'),
  MUNICIPALITY_LOGO_URL: z.string().default('/assets/images/logo.svg'),
  CONTACT_EMAIL: z.email().default('info@example.gov.gr'),
  CONTACT_PHONE: z.string().default('+30 28410 82925'),
  OFFICE_ADDRESS_EL: z.string().default('Πλατεία Δημαρχείου 1, 72100 Άγιος Νικόλαος'),
  OFFICE_ADDRESS_EN: z.string().default('1 Town Hall Square, 72100 Agios Nikolaos'),
  OFFICE_HOURS_EL: z.string().default('Δευτέρα έως Παρασκευή, 08:00–14:30'),
  OFFICE_HOURS_EN: z.string().default('Monday to Friday, 08:00–14:30'),
});

type Env = z.infer<typeof schema>;

export interface Config extends Env {
  isProduction: boolean;
  baseUrl: string;
}

/** Parses the environment; throws a ConfigError whose message is one line naming the setting. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  modules: readonly Module[] = MODULES,
): Readonly<Config> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  // Each module's own settings (its manifest's `config`) are checked with the shared ones.
  const full = modules.reduce<z.ZodObject>(
    (merged, module) => (module.config ? merged.extend(module.config.shape) : merged),
    schema,
  );
  const parsed = full.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = issue?.path.join('.') ?? 'environment';
    throw new ConfigError(`Invalid setting ${name}: ${issue?.message ?? 'invalid'}`);
  }
  const values = parsed.data as Env & Record<string, unknown>;
  const isProduction = values.NODE_ENV === 'production';
  if (isProduction && values.SESSION_SECRET === DEV_SESSION_SECRET) {
    throw new ConfigError(
      'Invalid setting SESSION_SECRET: production needs its own secret (32+ characters)',
    );
  }
  if (isProduction && !values.DATABASE_URL) {
    throw new ConfigError('Invalid setting DATABASE_URL: production needs a PostgreSQL server URL');
  }
  if (isProduction && !values.SMTP_URL) {
    throw new ConfigError(
      'Invalid setting SMTP_URL: production needs an SMTP server for outgoing mail',
    );
  }
  const baseUrl = (values.BASE_URL ?? `http://localhost:${values.PORT}`).replace(/\/$/, '');
  const config = Object.freeze({ ...values, isProduction, baseUrl });
  for (const module of modules) module.checkConfig?.(config);
  return config;
}
