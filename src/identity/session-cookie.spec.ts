import { SESSION_COOKIE } from '../../contracts/identity.js';
import { credentialOf, csrfTokenFor, csrfTokenMatches, sessionCookieOf } from './session-cookie.js';
import { newToken } from './tokens.js';

describe('the session cookie', () => {
  const token = newToken();

  it('is found among other cookies', () => {
    expect(sessionCookieOf(`theme=dark; ${SESSION_COOKIE}=${token}; lang=en`)).toBe(token);
    expect(sessionCookieOf(`${SESSION_COOKIE}=${token}`)).toBe(token);
  });

  it('is absent when missing, malformed, or named twice (which one would be the person’s own?)', () => {
    expect(sessionCookieOf(undefined)).toBeUndefined();
    expect(sessionCookieOf('theme=dark')).toBeUndefined();
    expect(sessionCookieOf(`${SESSION_COOKIE}=`)).toBeUndefined();
    expect(sessionCookieOf(`${SESSION_COOKIE}="${token}"`)).toBeUndefined();
    expect(sessionCookieOf(`${SESSION_COOKIE}=${token}; ${SESSION_COOKIE}=${newToken()}`)).toBeUndefined();
    expect(sessionCookieOf(`x${SESSION_COOKIE}=${token}`)).toBeUndefined();
  });
});

describe('how a request proves its session', () => {
  const cookieToken = newToken();
  const bearer = newToken();
  const cookie = `${SESSION_COOKIE}=${cookieToken}`;

  it('is the bearer token when there is an Authorization header, the cookie notwithstanding', () => {
    expect(credentialOf({ authorization: `Bearer ${bearer}`, cookie })).toEqual({ via: 'bearer', token: bearer });
  });

  it('is a failed bearer token, not the cookie, when the Authorization header is malformed', () => {
    expect(credentialOf({ authorization: 'Basic abc', cookie })).toEqual({ via: 'bearer', token: undefined });
  });

  it('is the cookie without an Authorization header, and nothing without either', () => {
    expect(credentialOf({ cookie })).toEqual({ via: 'cookie', token: cookieToken });
    expect(credentialOf({})).toEqual({ via: 'none', token: undefined });
  });
});

describe('the CSRF token', () => {
  it('is the same for a session wherever it is derived, and differs between sessions', () => {
    const token = newToken();
    expect(csrfTokenFor(token)).toBe(csrfTokenFor(token));
    expect(csrfTokenFor(token)).not.toBe(csrfTokenFor(newToken()));
    expect(csrfTokenFor(token)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('is a keyed hash with a fixed label: a known answer, neither the token nor its stored hash', () => {
    // HMAC-SHA-256(key = "a".repeat(43), "strongroom csrf v1"), computed independently with Python's hmac module.
    expect(csrfTokenFor('a'.repeat(43))).toBe(KNOWN_ANSWER);
  });

  it('matches only itself: a flipped character, a prefix, another session’s token or an array do not', () => {
    const token = newToken();
    const csrf = csrfTokenFor(token);
    expect(csrfTokenMatches(csrf, token)).toBe(true);
    const flipped = (csrf[0] === 'A' ? 'B' : 'A') + csrf.slice(1);
    expect(csrfTokenMatches(flipped, token)).toBe(false);
    expect(csrfTokenMatches(csrf.slice(0, -1), token)).toBe(false);
    expect(csrfTokenMatches(csrfTokenFor(newToken()), token)).toBe(false);
    expect(csrfTokenMatches([csrf], token)).toBe(false);
    expect(csrfTokenMatches(undefined, token)).toBe(false);
    expect(csrfTokenMatches('', token)).toBe(false);
  });
});

const KNOWN_ANSWER = 'GkkbBJN-vc4QMAS55ILM70X5KP0m7Sbo6mlqfHLgGMU';
