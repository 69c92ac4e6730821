import { ConfigError, loadConfig } from './config.schema.js';

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.DATA_DIR).toBe('./data');
    expect(c.EMBEDDED_PG_PORT).toBeUndefined(); // 54329, or the next free port (src/database/embedded-postgres.ts)
    expect(c.MFA_REQUIRED_ROLES).toEqual(['isa_admin', 'agency_admin', 'auditor']);
    expect(c.SEED_DEMO).toBe(true);
    expect(c.DATABASE_URL).toBeUndefined();
  });

  it('rejects bad values naming every offending variable', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', MFA_REQUIRED_ROLES: 'isa_admin,superuser', DATABASE_URL: 'mysql://x' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain('PORT');
    expect(msg).toContain('MFA_REQUIRED_ROLES');
    expect(msg).toContain('DATABASE_URL');
  });

  it('keeps password hashes at OWASP’s cost or more, except in tests', () => {
    expect(loadConfig({}).PASSWORD_SCRYPT_LOG_N).toBe(15);
    for (const NODE_ENV of ['production', 'development']) {
      expect(() => loadConfig({ NODE_ENV, PASSWORD_SCRYPT_LOG_N: '11' })).toThrow(/PASSWORD_SCRYPT_LOG_N.*at least 15/);
    }
    expect(loadConfig({ NODE_ENV: 'test', PASSWORD_SCRYPT_LOG_N: '11' }).PASSWORD_SCRYPT_LOG_N).toBe(11);
    expect(() => loadConfig({ NODE_ENV: 'test', PASSWORD_SCRYPT_LOG_N: '9' })).toThrow(ConfigError);
  });

  it('parses lists and booleans', () => {
    const c = loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example', SEED_DEMO: 'false' });
    expect(c.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
    expect(c.SEED_DEMO).toBe(false);
  });

  it('reads TRUST_PROXY as a number of proxies: true is the one in front, never every hop', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(0);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(0);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(() => loadConfig({ TRUST_PROXY: 'all' })).toThrow(/TRUST_PROXY/);
  });
});
