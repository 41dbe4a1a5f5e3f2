import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('config', () => {
  it('applies development defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.baseUrl).toBe('http://localhost:3000');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('stops with one line naming a bad setting', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/^Invalid setting PORT: /);
    expect(() => loadConfig({ MUNICIPALITY_BRAND_COLOUR: 'blue' })).toThrow(
      /MUNICIPALITY_BRAND_COLOUR/,
    );
  });

  it('refuses the development secret, the embedded database and missing SMTP in production', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x@localhost/db' }),
    ).toThrow(/SESSION_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) })).toThrow(
      /DATABASE_URL/,
    );
    const production = {
      NODE_ENV: 'production',
      SESSION_SECRET: 'x'.repeat(40),
      DATABASE_URL: 'postgres://x@localhost/db',
    };
    expect(() => loadConfig(production)).toThrow(/SMTP_URL/);
    expect(
      loadConfig({ ...production, SMTP_URL: 'smtp://mail.example.gov.gr:587' }).isProduction,
    ).toBe(true);
  });
});
