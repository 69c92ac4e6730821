import { linkBase, passwordResetMail, tokenLink } from './identity-mail.js';

describe('links in e-mails', () => {
  const config = { HOST: '0.0.0.0', PORT: 3000, PUBLIC_URL: undefined as string | undefined };

  it('use PUBLIC_URL first, then the address the request came to, then the server’s own', () => {
    expect(linkBase({ ...config, PUBLIC_URL: 'https://sr.example.org' }, 'http://evil.example')).toBe(
      'https://sr.example.org',
    );
    expect(linkBase(config, 'https://admin.example.org')).toBe('https://admin.example.org');
    expect(linkBase(config)).toBe('http://localhost:3000');
    expect(linkBase({ ...config, HOST: '10.0.0.5' })).toBe('http://10.0.0.5:3000');
  });

  it('carry the token after #, where browsers never send it to a server', () => {
    const link = tokenLink('https://sr.example.org', '/password-reset', 'token', 'a-b_c+d');
    expect(link).toBe('https://sr.example.org/password-reset#token=a-b_c%2Bd');
    expect(new URL(link).search).toBe('');
  });

  it('a reset e-mail says how long the link works and what to do if it was not you', () => {
    const mail = passwordResetMail({ to: 'a@x.org', link: 'L', token: 'T', minutes: 30 });
    expect(mail.text).toContain('works once, for 30 minutes');
    expect(mail.text).toContain('If it was not you');
  });
});
