import { checkServerAddress } from './server-address.js';

describe('checkServerAddress', () => {
  it('takes https anywhere and plain http only to this computer', () => {
    expect(checkServerAddress('https://strongroom.example/', false)).toEqual({
      ok: true,
      url: 'https://strongroom.example',
    });
    expect(checkServerAddress('strongroom.example', false)).toEqual({ ok: true, url: 'https://strongroom.example' });
    for (const local of ['http://127.0.0.1:3000', 'http://localhost:3000', 'http://[::1]:3000']) {
      expect(checkServerAddress(local, false)).toMatchObject({ ok: true });
    }
  });

  it('refuses plain http to another computer unless told it is allowed', () => {
    const refused = checkServerAddress('http://strongroom.example', false);
    expect(refused).toMatchObject({ ok: false });
    expect(!refused.ok && refused.problem).toMatch(/plain http.*--insecure/);
    expect(checkServerAddress('http://strongroom.example', true)).toEqual({
      ok: true,
      url: 'http://strongroom.example',
    });
  });

  it('refuses what is not a server address, in plain words', () => {
    for (const bad of [
      '',
      'ftp://strongroom.example',
      'https://user:pw@strongroom.example',
      'https://s.example/?a=1',
    ]) {
      const checked = checkServerAddress(bad, true);
      expect(checked.ok).toBe(false);
    }
  });
});
