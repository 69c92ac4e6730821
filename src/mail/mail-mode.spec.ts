import { mailMode, mailStartupNotice } from './mail-mode.js';

describe('mailMode: how the server sends e-mail', () => {
  const base = { DATA_DIR: './data', PUBLIC_URL: undefined };

  it('uses SMTP whenever SMTP_URL is set', () => {
    for (const NODE_ENV of ['development', 'production', 'test'] as const)
      expect(mailMode({ SMTP_URL: 'smtp://h:587', NODE_ENV })).toBe('smtp');
  });

  it('without SMTP_URL, writes to the outbox in development only, and sends nothing elsewhere', () => {
    expect(mailMode({ NODE_ENV: 'development' })).toBe('outbox');
    expect(mailMode({ NODE_ENV: 'production' })).toBe('off');
    expect(mailMode({ NODE_ENV: 'test' })).toBe('off');
  });

  it('says at start where development mail goes, and plainly that production mail is off', () => {
    expect(mailStartupNotice({ ...base, NODE_ENV: 'development' })).toContain('./data/outbox');
    expect(mailStartupNotice({ ...base, NODE_ENV: 'production' })).toMatch(/^E-mail is off.*carried by hand/);
    expect(mailStartupNotice({ ...base, NODE_ENV: 'production', SMTP_URL: 'smtp://h' })).toMatch(/PUBLIC_URL/);
    expect(
      mailStartupNotice({ ...base, NODE_ENV: 'production', SMTP_URL: 'smtp://h', PUBLIC_URL: 'https://x.org' }),
    ).toBeNull();
    expect(mailStartupNotice({ ...base, NODE_ENV: 'test' })).toBeNull();
  });
});
