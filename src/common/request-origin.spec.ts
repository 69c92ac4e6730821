import type { IncomingMessage } from 'node:http';
import { fromOwnOrigin, ownOrigin, requestProtocol } from './request-origin.js';

/** A request as Node hands it over: headers, and whether the connection itself is TLS. */
const request = (headers: Record<string, string>, encrypted = false) =>
  ({ headers, socket: { encrypted } }) as unknown as IncomingMessage;

describe('the origin a request was addressed to', () => {
  it('is the connection’s protocol and the Host header, when no proxy is trusted', () => {
    expect(ownOrigin(request({ host: 'strongroom.example' }), 0)).toBe('http://strongroom.example');
    expect(ownOrigin(request({ host: 'strongroom.example:8443' }, true), 0)).toBe('https://strongroom.example:8443');
    expect(ownOrigin(request({ host: '127.0.0.1:3000' }), 0)).toBe('http://127.0.0.1:3000');
    expect(ownOrigin(request({ host: '[::1]:3000' }), 0)).toBe('http://[::1]:3000');
  });

  it('leaves out the default port, as browsers do in Origin', () => {
    expect(ownOrigin(request({ host: 'strongroom.example:443' }, true), 0)).toBe('https://strongroom.example');
  });

  it('ignores X-Forwarded-* unless a proxy is trusted (TRUST_PROXY), then reads their first value', () => {
    const forwarded = { host: 'internal:3000', 'x-forwarded-proto': 'https, http', 'x-forwarded-host': 'sr.example' };
    expect(ownOrigin(request(forwarded), 0)).toBe('http://internal:3000');
    expect(requestProtocol(request(forwarded), 0)).toBe('http');
    expect(ownOrigin(request(forwarded), 1)).toBe('https://sr.example');
    expect(requestProtocol(request(forwarded), 1)).toBe('https');
    // A proxy that sets only the protocol and passes Host through.
    expect(ownOrigin(request({ host: 'sr.example', 'x-forwarded-proto': 'https' }), 1)).toBe('https://sr.example');
  });

  it('takes no protocol but http and https from a proxy', () => {
    expect(requestProtocol(request({ host: 'sr.example', 'x-forwarded-proto': 'javascript' }), 1)).toBe('http');
  });

  it('is unknown for a missing or odd Host header (user info, a path), rather than guessed', () => {
    expect(ownOrigin(request({}), 0)).toBeNull();
    expect(ownOrigin(request({ host: 'evil.example@sr.example' }), 0)).toBeNull();
    expect(ownOrigin(request({ host: 'sr.example/path' }), 0)).toBeNull();
  });
});

describe('whether the Origin header is the request’s own site', () => {
  const from = (origin: string | undefined, host = 'sr.example', encrypted = true) =>
    fromOwnOrigin(request({ host, ...(origin === undefined ? {} : { origin }) }, encrypted), 0);

  it('is true for the same scheme, host and port', () => {
    expect(from('https://sr.example')).toBe(true);
    expect(from('https://SR.example:443')).toBe(true);
  });

  it('is false for another site, a neighbouring subdomain, another scheme or another port', () => {
    expect(from('https://evil.example')).toBe(false);
    expect(from('https://other.sr.example')).toBe(false);
    expect(from('http://sr.example')).toBe(false);
    expect(from('https://sr.example:8443')).toBe(false);
  });

  it('is false when there is no Origin, or an opaque or malformed one', () => {
    expect(from(undefined)).toBe(false);
    expect(from('null')).toBe(false);
    expect(from('not a url')).toBe(false);
  });
});
