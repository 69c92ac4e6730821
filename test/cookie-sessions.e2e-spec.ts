import { request } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import { API_VERSION, API_VERSION_HEADER } from '../contracts/api-version.js';
import { CSRF_HEADER, SESSION_COOKIE } from '../contracts/identity.js';
import type { ServerToClientEvents } from '../contracts/realtime.js';
import { RealtimeConnection, StrongroomClient } from '../client/sdk/index.js';
import { csrfTokenFor } from '../src/identity/session-cookie.js';
import { eventually } from './support/eventually.js';
import { refused } from './support/refused.js';
import { startInstance, startTestApp, type TestApp } from './support/test-app.js';
import { totpAt, World, type Person } from './support/world.js';

/** What the server answered: status, parsed body, its raw text and the cookies it set. */
interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
  text: string;
  setCookies: string[];
}

interface CallOptions {
  /** The session cookie's value to send, if any. */
  cookie?: string | null;
  csrf?: string;
  bearer?: string;
  /** The page's Origin: by default this server's own on a change, as a browser sends it; null for none. */
  origin?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One HTTP request, written as a browser (or an attacker's page) would make it. */
async function call(baseUrl: string, method: string, path: string, opts: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  const origin = opts.origin === undefined ? (method === 'GET' ? null : baseUrl) : opts.origin;
  if (origin !== null) headers.origin = origin;
  if (opts.cookie) headers.cookie = `theme=dark; ${SESSION_COOKIE}=${opts.cookie}`;
  if (opts.csrf !== undefined) headers[CSRF_HEADER] = opts.csrf;
  if (opts.bearer) headers.authorization = `Bearer ${opts.bearer}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${baseUrl}/api${path}`, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text ? JSON.parse(text) : {}) as Answer['body'],
    text,
    setCookies: res.headers.getSetCookie(),
  };
}

/** The session cookie a response set: its value and attributes (lower-cased names), or undefined. */
function sessionCookieSet(a: Answer): { value: string; attributes: Record<string, string> } | undefined {
  const line = a.setCookies.find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!line) return undefined;
  const [pair, ...attrs] = line.split(';').map((s) => s.trim());
  return {
    value: pair.slice(SESSION_COOKIE.length + 1),
    attributes: Object.fromEntries(
      attrs.map((a) => {
        const [k, v = ''] = a.split('=');
        return [k.toLowerCase(), v];
      }),
    ),
  };
}

/** A socket on `/rt` made with exactly these handshake headers (and a token only if given). */
function rawSocket(
  baseUrl: string,
  headers: Record<string, string>,
  token?: string,
): { socket: Socket<ServerToClientEvents>; admitted: Promise<void>; revoked: string[] } {
  const socket: Socket<ServerToClientEvents> = io(`${baseUrl}/rt`, {
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: headers,
    ...(token ? { auth: { token } } : {}),
  });
  const revoked: string[] = [];
  socket.on('session.revoked', (e) => revoked.push(e.reason));
  const admitted = new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err: Error & { data?: { status: number; error: { code: string } } }) =>
      reject(Object.assign(new Error(`${err.data?.status} ${err.data?.error.code}`), { data: err.data })),
    );
  });
  return { socket, admitted, revoked };
}

/**
 * A web page's session (issue 13): an HttpOnly, SameSite=Strict cookie that no script can read, and a CSRF
 * token that only the page it was given to knows. Every refusal rule here has a test that fails when the
 * rule is taken out.
 */
describe('cookie sessions for the web client', () => {
  let t: TestApp;
  let w: World;
  let second: Awaited<ReturnType<typeof startInstance>>;
  let proxied: Awaited<ReturnType<typeof startInstance>>;
  let council: string;
  let alice: Person;
  let bob: Person;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    // A second instance on the same database: the CSRF token must mean the same there.
    second = await startInstance(t.databaseUrl, t.clock);
    // An instance behind one trusted TLS-terminating proxy (docs/operations.md).
    proxied = await startInstance(t.databaseUrl, t.clock, { TRUST_PROXY: 'true' });
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    alice = await w.person(council, 'practitioner', 'alice');
    bob = await w.person(council, 'practitioner', 'bob');
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await proxied.app.close();
    await second.app.close();
    await t.close();
  });

  /** Signs a person in as a web page does; returns the cookie (as the browser keeps it) and the answer. */
  async function cookieLogin(p: Person, baseUrl = t.baseUrl, extra: Record<string, unknown> = {}) {
    const answer = await call(baseUrl, 'POST', '/auth/login', {
      body: { email: p.email, password: p.password, session: 'cookie', ...extra },
    });
    expect(answer.status).toBe(200);
    const set = sessionCookieSet(answer)!;
    return { answer, cookie: set.value, attributes: set.attributes, csrf: answer.body.csrfToken as string };
  }

  const count = async (table: 'channels' | 'sessions') =>
    ((await t.sql(`SELECT count(*)::int AS n FROM ${table}`)).rows[0] as { n: number }).n;
  const channelCount = () => count('channels');
  const revokedAt = async (sessionId: string) =>
    ((await t.sql('SELECT revoked_at FROM sessions WHERE id = $1', [sessionId])).rows[0] as { revoked_at: Date | null })
      .revoked_at;

  describe('signing in', () => {
    it('sets an HttpOnly, SameSite=Strict cookie for the session’s whole life, and the answer holds no token', async () => {
      const { answer, cookie, attributes, csrf } = await cookieLogin(alice);
      expect(attributes).toEqual({
        'max-age': String(12 * 3600), // SESSION_ABSOLUTE_HOURS: the clock did not move
        path: '/',
        httponly: '',
        samesite: 'Strict',
      });
      expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(answer.body).not.toHaveProperty('token');
      expect(answer.text).not.toContain(cookie);
      expect(Object.keys(answer.body).sort()).toEqual(['agency', 'csrfToken', 'session', 'user']);
      expect(csrf).toBe(csrfTokenFor(cookie));
      expect((answer.body.user as { id: string }).id).toBe(alice.id);
    });

    it('a bearer sign-in is as before: the token in the answer, no cookie', async () => {
      const answer = await call(t.baseUrl, 'POST', '/auth/login', {
        body: { email: alice.email, password: alice.password },
      });
      expect(answer.status).toBe(200);
      expect(typeof answer.body.token).toBe('string');
      expect(answer.body).not.toHaveProperty('csrfToken');
      expect(answer.setCookies).toEqual([]);
    });

    it('marks the cookie Secure over HTTPS, as a trusted proxy reports it, and only then', async () => {
      const viaProxy = await call(proxied.baseUrl, 'POST', '/auth/login', {
        body: { email: alice.email, password: alice.password, session: 'cookie' },
        origin: 'https://strongroom.example',
        headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'strongroom.example' },
      });
      expect(viaProxy.status).toBe(200);
      expect(sessionCookieSet(viaProxy)!.attributes).toHaveProperty('secure');
      // The same headers from a caller to an instance that trusts no proxy are the caller's own words.
      const direct = await call(t.baseUrl, 'POST', '/auth/login', {
        body: { email: alice.email, password: alice.password, session: 'cookie' },
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(direct.status).toBe(200);
      expect(sessionCookieSet(direct)!.attributes).not.toHaveProperty('secure');
    });

    it('is refused to a page on another site (no cookie, no session), and allowed without an Origin', async () => {
      const before = await count('sessions');
      const foreign = await call(t.baseUrl, 'POST', '/auth/login', {
        body: { email: alice.email, password: alice.password, session: 'cookie' },
        origin: 'https://evil.example',
      });
      expect([foreign.status, foreign.body.error?.code]).toEqual([403, 'foreign_origin']);
      expect(foreign.body.error?.message).toMatch(/another website/);
      expect(foreign.setCookies).toEqual([]);
      expect(await count('sessions')).toBe(before);
      const noOrigin = await call(t.baseUrl, 'POST', '/auth/login', {
        body: { email: alice.email, password: alice.password, session: 'cookie' },
        origin: null,
      });
      expect(noOrigin.status).toBe(200);
    });

    it('takes the second factor as a bearer sign-in does: no code, no cookie', async () => {
      const admin = await w.person(council, 'isa_admin', 'admin');
      const without = await call(t.baseUrl, 'POST', '/auth/login', {
        body: { email: admin.email, password: admin.password, session: 'cookie' },
      });
      expect([without.status, without.body.error?.code]).toEqual([401, 'mfa_required']);
      expect(without.setCookies).toEqual([]);
      const { answer } = await cookieLogin(admin, t.baseUrl, { totp: await totpAt(admin.totpSecret!, t) });
      t.clock.advance(30_000); // the code is spent
      expect((answer.body.session as { stage: string }).stage).toBe('full');
    });

    it('refuses a session kind it does not know', async () => {
      const answer = await call(t.baseUrl, 'POST', '/auth/login', {
        body: { email: alice.email, password: alice.password, session: 'jar' },
      });
      expect([answer.status, answer.body.error?.code]).toEqual([400, 'validation_failed']);
    });
  });

  describe('requests with the cookie', () => {
    it('reads with the cookie alone', async () => {
      const { cookie } = await cookieLogin(alice);
      const me = await call(t.baseUrl, 'GET', '/me', { cookie });
      expect(me.status).toBe(200);
      expect((me.body.user as { id: string }).id).toBe(alice.id);
    });

    it('refuses a change without the CSRF token, and nothing changes', async () => {
      const { cookie, answer } = await cookieLogin(alice);
      const before = await channelCount();
      const create = await call(t.baseUrl, 'POST', '/channels', { cookie, body: { kind: 'locality_meeting' } });
      expect([create.status, create.body.error?.code]).toEqual([403, 'csrf_token_required']);
      expect(create.body.error?.message).toMatch(/Reload the page/);
      expect(await channelCount()).toBe(before);
      const logout = await call(t.baseUrl, 'POST', '/auth/logout', { cookie });
      expect([logout.status, logout.body.error?.code]).toEqual([403, 'csrf_token_required']);
      expect(await revokedAt((answer.body.session as { id: string }).id)).toBeNull();
      expect((await call(t.baseUrl, 'GET', '/me', { cookie })).status).toBe(200);
    });

    it('refuses a wrong CSRF token (another session’s, one character off), and nothing changes', async () => {
      const { cookie, csrf } = await cookieLogin(alice);
      const other = await cookieLogin(alice);
      const before = await channelCount();
      const flipped = (csrf[0] === 'A' ? 'B' : 'A') + csrf.slice(1);
      for (const wrong of [other.csrf, flipped, '', csrf.slice(0, 20)]) {
        const create = await call(t.baseUrl, 'POST', '/channels', {
          cookie,
          csrf: wrong,
          body: { kind: 'locality_meeting' },
        });
        expect([create.status, create.body.error?.code]).toEqual([403, 'csrf_token_invalid']);
      }
      // A DELETE needs it too.
      const sessionId = (other.answer.body.session as { id: string }).id;
      const revoke = await call(t.baseUrl, 'DELETE', `/me/sessions/${sessionId}`, { cookie, csrf: other.csrf });
      expect([revoke.status, revoke.body.error?.code]).toEqual([403, 'csrf_token_invalid']);
      expect(await revokedAt(sessionId)).toBeNull();
      expect(await channelCount()).toBe(before);
    });

    it('makes the change with the right CSRF token, with or without an Origin header', async () => {
      const { cookie, csrf } = await cookieLogin(alice);
      const before = await channelCount();
      const create = await call(t.baseUrl, 'POST', '/channels', { cookie, csrf, body: { kind: 'locality_meeting' } });
      expect(create.status).toBe(201);
      const noOrigin = await call(t.baseUrl, 'POST', '/channels', {
        cookie,
        csrf,
        origin: null,
        body: { kind: 'locality_meeting' },
      });
      expect(noOrigin.status).toBe(201);
      expect(await channelCount()).toBe(before + 2);
    });

    it('refuses a change from a page on another site even with the right CSRF token, and nothing changes', async () => {
      const { cookie, csrf } = await cookieLogin(alice);
      const before = await channelCount();
      for (const origin of ['https://evil.example', 'null', `${t.baseUrl.replace('127.0.0.1', 'localhost')}`]) {
        const create = await call(t.baseUrl, 'POST', '/channels', {
          cookie,
          csrf,
          origin,
          body: { kind: 'locality_meeting' },
        });
        expect([origin, create.status, create.body.error?.code]).toEqual([origin, 403, 'foreign_origin']);
      }
      expect(await channelCount()).toBe(before);
    });

    it('behind a trusted proxy, the site is the one the proxy was asked for', async () => {
      const { cookie, csrf } = await cookieLogin(alice);
      const proxy = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'strongroom.example' };
      const own = await call(proxied.baseUrl, 'POST', '/channels', {
        cookie,
        csrf,
        origin: 'https://strongroom.example',
        headers: proxy,
        body: { kind: 'locality_meeting' },
      });
      expect(own.status).toBe(201);
      const other = await call(proxied.baseUrl, 'POST', '/channels', {
        cookie,
        csrf,
        origin: 'https://evil.example',
        headers: proxy,
        body: { kind: 'locality_meeting' },
      });
      expect([other.status, other.body.error?.code]).toEqual([403, 'foreign_origin']);
    });

    it('an Authorization header decides alone: a bearer token wins over the cookie, and a bad one is not rescued by it', async () => {
      const { cookie } = await cookieLogin(alice);
      const me = await call(t.baseUrl, 'GET', '/me', { cookie, bearer: bob.client.token! });
      expect((me.body.user as { id: string }).id).toBe(bob.id);
      const bad = await call(t.baseUrl, 'GET', '/me', { cookie, bearer: 'x'.repeat(43) });
      expect([bad.status, bad.body.error?.code]).toEqual([401, 'invalid_session']);
      const malformed = await call(t.baseUrl, 'GET', '/me', { cookie, headers: { authorization: 'Basic abc' } });
      expect([malformed.status, malformed.body.error?.code]).toEqual([401, 'unauthenticated']);
      // A bearer request needs no CSRF token, whatever cookie the caller also holds.
      const create = await call(t.baseUrl, 'POST', '/channels', {
        cookie,
        bearer: bob.client.token!,
        body: { kind: 'locality_meeting' },
      });
      expect(create.status).toBe(201);
    });

    it('tells a reloaded page whether its cookie is live, and its CSRF token, on every instance alike', async () => {
      const { cookie, csrf, answer } = await cookieLogin(alice);
      for (const baseUrl of [t.baseUrl, second.baseUrl]) {
        const current = await call(baseUrl, 'GET', '/auth/session', { cookie });
        expect(current.status).toBe(200);
        expect(current.body).toMatchObject({
          via: 'cookie',
          csrfToken: csrf,
          session: { id: (answer.body.session as { id: string }).id },
        });
        expect(current.text).not.toContain(cookie);
      }
      // The token one instance gave is good on the other: nothing is kept in either.
      const create = await call(second.baseUrl, 'POST', '/channels', {
        cookie,
        csrf,
        origin: second.baseUrl,
        body: { kind: 'locality_meeting' },
      });
      expect(create.status).toBe(201);
      const bearer = await call(t.baseUrl, 'GET', '/auth/session', { bearer: alice.client.token! });
      expect(bearer.body).toMatchObject({ via: 'bearer', csrfToken: null });
      const none = await call(t.baseUrl, 'GET', '/auth/session');
      expect([none.status, none.body.error?.code]).toEqual([401, 'unauthenticated']);
    });
  });

  describe('odd cookies and headers', () => {
    it('are refused in the error shape, never with a 500', async () => {
      const { cookie, csrf } = await cookieLogin(alice);
      const odd: [string, CallOptions][] = [
        ['GET', { headers: { cookie: `${SESSION_COOKIE}=` } }],
        ['GET', { headers: { cookie: `${SESSION_COOKIE}="${cookie}"` } }],
        ['GET', { headers: { cookie: `${SESSION_COOKIE}=${'%'.repeat(60)}` } }],
        ['GET', { headers: { cookie: `${SESSION_COOKIE}=${'x'.repeat(8000)}` } }],
        // Two cookies of the name (one tossed in by a neighbouring site): neither is taken.
        ['GET', { headers: { cookie: `${SESSION_COOKIE}=${cookie}; ${SESSION_COOKIE}=${'q'.repeat(43)}` } }],
        ['POST', { cookie, csrf: 'x'.repeat(8000) }],
        ['POST', { cookie, csrf: 'éé' }],
        ['POST', { cookie, csrf, origin: 'http://[::1' }],
        ['POST', { cookie, csrf, origin: '' }],
      ];
      for (const [method, opts] of odd) {
        const answer = await call(t.baseUrl, method, method === 'GET' ? '/me' : '/channels', {
          ...opts,
          body: method === 'GET' ? undefined : { kind: 'locality_meeting' },
        });
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        expect(answer.body.error?.code).toMatch(/^[a-z_]+$/);
      }
      // A Host header no browser would send (fetch will not write one): the site cannot be told, so refused.
      const badHost = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${t.baseUrl}/api/channels`, {
          method: 'POST',
          headers: {
            host: 'bad host/x',
            origin: t.baseUrl,
            cookie: `${SESSION_COOKIE}=${cookie}`,
            [CSRF_HEADER]: csrf,
            'content-type': 'application/json',
          },
        });
        req.on('response', (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end(JSON.stringify({ kind: 'locality_meeting' }));
      });
      expect([badHost.status, (JSON.parse(badHost.body) as Answer['body']).error?.code]).toEqual([
        403,
        'foreign_origin',
      ]);
      const proxiedOdd = await call(proxied.baseUrl, 'POST', '/channels', {
        cookie,
        csrf,
        origin: 'https://sr.example',
        headers: { 'x-forwarded-proto': 'gopher, https', 'x-forwarded-host': ' , ' },
        body: { kind: 'locality_meeting' },
      });
      expect([proxiedOdd.status, proxiedOdd.body.error?.code]).toEqual([403, 'foreign_origin']);
    });
  });

  describe('signing out', () => {
    it('clears the cookie, and the old cookie is refused afterwards (and cleared again)', async () => {
      const { cookie, csrf } = await cookieLogin(alice);
      const out = await call(t.baseUrl, 'POST', '/auth/logout', { cookie, csrf });
      expect(out.status).toBe(204);
      expect(sessionCookieSet(out)).toEqual({
        value: '',
        attributes: { 'max-age': '0', path: '/', httponly: '', samesite: 'Strict' },
      });
      const after = await call(t.baseUrl, 'GET', '/me', { cookie });
      expect([after.status, after.body.error?.code]).toEqual([401, 'invalid_session']);
      expect(sessionCookieSet(after)?.attributes['max-age']).toBe('0');
      const session = await call(t.baseUrl, 'GET', '/auth/session', { cookie });
      expect(session.status).toBe(401);
    });

    it('signing out everywhere, or ending this very session, clears the cookie; ending another does not', async () => {
      const first = await cookieLogin(bob);
      const other = await cookieLogin(bob);
      const otherId = (other.answer.body.session as { id: string }).id;
      const revokeOther = await call(t.baseUrl, 'DELETE', `/me/sessions/${otherId}`, {
        cookie: first.cookie,
        csrf: first.csrf,
      });
      expect(revokeOther.status).toBe(204);
      expect(sessionCookieSet(revokeOther)).toBeUndefined();
      const firstId = (first.answer.body.session as { id: string }).id;
      const revokeOwn = await call(t.baseUrl, 'DELETE', `/me/sessions/${firstId}`, {
        cookie: first.cookie,
        csrf: first.csrf,
      });
      expect(revokeOwn.status).toBe(204);
      expect(sessionCookieSet(revokeOwn)?.attributes['max-age']).toBe('0');

      const third = await cookieLogin(bob);
      const all = await call(t.baseUrl, 'POST', '/auth/logout-all', { cookie: third.cookie, csrf: third.csrf });
      expect(all.status).toBe(200);
      expect(sessionCookieSet(all)?.attributes['max-age']).toBe('0');
      expect((await call(t.baseUrl, 'GET', '/me', { cookie: third.cookie })).status).toBe(401);
      // Bob's bearer session went too; sign him in again for later tests.
      bob = await w.signIn(bob);
    });
  });

  describe('sockets', () => {
    it('admits a socket with the cookie from a page of this site', async () => {
      const { cookie } = await cookieLogin(alice);
      const s = rawSocket(t.baseUrl, { cookie: `${SESSION_COOKIE}=${cookie}`, origin: t.baseUrl });
      sockets.push(s.socket);
      await s.admitted;
      expect(s.socket.connected).toBe(true);
    });

    it('refuses a socket with the cookie from a page on another site, or with no Origin at all', async () => {
      const { cookie } = await cookieLogin(alice);
      for (const origin of ['https://evil.example', undefined]) {
        const s = rawSocket(t.baseUrl, { cookie: `${SESSION_COOKIE}=${cookie}`, ...(origin ? { origin } : {}) });
        sockets.push(s.socket);
        await expect(s.admitted).rejects.toMatchObject({
          data: { status: 403, error: { code: 'foreign_origin' } },
        });
      }
    });

    it('a token in the handshake decides, as a bearer header does over HTTP', async () => {
      const { cookie } = await cookieLogin(alice);
      const s = rawSocket(t.baseUrl, { cookie: `${SESSION_COOKIE}=${cookie}`, origin: t.baseUrl }, 'y'.repeat(43));
      sockets.push(s.socket);
      await expect(s.admitted).rejects.toMatchObject({ data: { status: 401, error: { code: 'invalid_session' } } });
    });

    it('a cookie socket hears session.revoked and is cut when its session is revoked, on every instance, as a bearer socket does', async () => {
      const { cookie, answer } = await cookieLogin(alice);
      const headers = (baseUrl: string) => ({ cookie: `${SESSION_COOKIE}=${cookie}`, origin: baseUrl });
      const here = rawSocket(t.baseUrl, headers(t.baseUrl));
      const there = rawSocket(second.baseUrl, headers(second.baseUrl));
      const bearerClient = new StrongroomClient(t.baseUrl);
      const bearerLogin = await bearerClient.login({ email: alice.email, password: alice.password });
      const bearer = rawSocket(t.baseUrl, {}, bearerClient.token!);
      sockets.push(here.socket, there.socket, bearer.socket);
      await Promise.all([here.admitted, there.admitted, bearer.admitted]);
      // Revoked from another session, on the instance the first socket is on: it hears why before it is cut.
      await alice.client.revokeSession((answer.body.session as { id: string }).id);
      await alice.client.revokeSession(bearerLogin.session.id);
      await eventually(() => {
        expect([here.revoked, there.revoked, bearer.revoked]).toEqual([
          ['revoked_by_user'],
          ['revoked_by_user'],
          ['revoked_by_user'],
        ]);
        expect([here.socket.connected, there.socket.connected, bearer.socket.connected]).toEqual([false, false, false]);
      }, 10_000);
    });

    it('signing out with the cookie cuts that session’s socket, which hears why', async () => {
      const { cookie, csrf } = await cookieLogin(alice);
      const s = rawSocket(t.baseUrl, { cookie: `${SESSION_COOKIE}=${cookie}`, origin: t.baseUrl });
      sockets.push(s.socket);
      await s.admitted;
      expect((await call(t.baseUrl, 'POST', '/auth/logout', { cookie, csrf })).status).toBe(204);
      await eventually(() => expect([s.revoked, s.socket.connected]).toEqual([['logout'], false]), 10_000);
    });

    it('a cookie socket is cut the moment its session expires, as a bearer socket is', async () => {
      const { cookie } = await cookieLogin(alice);
      const s = rawSocket(t.baseUrl, { cookie: `${SESSION_COOKIE}=${cookie}`, origin: t.baseUrl });
      sockets.push(s.socket);
      await s.admitted;
      t.clock.advance(31 * 60_000); // past SESSION_IDLE_MINUTES
      await eventually(() => expect(s.revoked).toEqual(['session_expired']), 10_000);
      // Everyone else signs in again after the jump.
      alice = await w.signIn(alice);
      bob = await w.signIn(bob);
    });
  });

  describe('the SDK in cookie mode', () => {
    /**
     * The browser's part, for the SDK under Node: requests made with `credentials: 'same-origin'` (cookie
     * mode's, and only those) get the cookie jar and the page's Origin, as a browser would send them.
     */
    function asBrowser(pageOrigin: string) {
      const real = globalThis.fetch;
      const jar: { cookie: string | null } = { cookie: null };
      const requests: RequestInit[] = [];
      globalThis.fetch = async (input: string | URL | Request, init: RequestInit = {}) => {
        requests.push(init);
        if (init.credentials !== 'same-origin') return real(input, init);
        const headers = new Headers(init.headers);
        if (jar.cookie) headers.set('cookie', `${SESSION_COOKIE}=${jar.cookie}`);
        if (init.method !== 'GET') headers.set('origin', pageOrigin);
        const res = await real(input, { ...init, headers });
        for (const line of res.headers.getSetCookie()) {
          const value = line.split(';')[0].slice(SESSION_COOKIE.length + 1);
          if (line.startsWith(`${SESSION_COOKIE}=`)) jar.cookie = / Max-Age=0(;|$)/.test(line) ? null : value;
        }
        return res;
      };
      return { jar, requests, restore: () => (globalThis.fetch = real) };
    }

    it('signs in, makes changes with the CSRF token, resumes after a reload and signs out: never holding the token', async () => {
      const browser = asBrowser(t.baseUrl);
      try {
        const page = new StrongroomClient(t.baseUrl, null, { session: 'cookie' });
        const login = await page.loginWithCookie({ email: alice.email, password: alice.password });
        expect(browser.jar.cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect([page.token, page.csrfToken, page.sessionKey]).toEqual([null, login.csrfToken, login.csrfToken]);
        expect((await page.me()).user.id).toBe(alice.id);
        const channel = await page.createChannel({ kind: 'locality_meeting' });
        const last = browser.requests[browser.requests.length - 1];
        expect(new Headers(last.headers).get(CSRF_HEADER)).toBe(login.csrfToken);
        expect(new Headers(last.headers).has('authorization')).toBe(false);
        expect(last.credentials).toBe('same-origin');

        // The page reloads: a new client, nothing in memory, the cookie still in the browser.
        const reloaded = new StrongroomClient(t.baseUrl, null, { session: 'cookie' });
        await refused(reloaded.createChannel({ kind: 'locality_meeting' }), 403, 'csrf_token_required');
        const resumed = await reloaded.resumeCookieSession();
        expect(resumed).toMatchObject({ via: 'cookie', csrfToken: login.csrfToken, user: { id: alice.id } });
        await expect(reloaded.channel(channel.id)).resolves.toMatchObject({ id: channel.id });
        await expect(reloaded.createChannel({ kind: 'locality_meeting' })).resolves.toBeDefined();

        await reloaded.logout();
        expect([browser.jar.cookie, reloaded.csrfToken]).toEqual([null, null]);
        await expect(new StrongroomClient(t.baseUrl, null, { session: 'cookie' }).resumeCookieSession()).resolves.toBe(
          null,
        );
        // A cookie-mode client cannot be asked for a token the page could read.
        await expect(page.login({ email: alice.email, password: alice.password })).rejects.toThrow(/loginWithCookie/);
        expect(() => new StrongroomClient(t.baseUrl, 'some-token', { session: 'cookie' })).toThrow(/holds no token/);
      } finally {
        browser.restore();
      }
    });

    it('a bearer client sends exactly what it always sent (and its API version): its token, no credentials mode, no CSRF header', async () => {
      const browser = asBrowser(t.baseUrl);
      try {
        const cli = new StrongroomClient(t.baseUrl);
        await cli.login({ email: alice.email, password: alice.password });
        await cli.createChannel({ kind: 'locality_meeting' });
        const init = browser.requests[browser.requests.length - 1];
        // The signal is the client's time limit on the request (docs/protocol.md), not a credential.
        expect(Object.keys(init)).toEqual(['method', 'headers', 'body', 'signal']);
        expect(init.signal).toBeInstanceOf(AbortSignal);
        expect(init.headers).toEqual({
          accept: 'application/json',
          'content-type': 'application/json',
          authorization: `Bearer ${cli.token}`,
          [API_VERSION_HEADER]: String(API_VERSION),
        });
        await expect(cli.loginWithCookie({ email: alice.email, password: alice.password })).rejects.toThrow(
          /session: 'cookie'/,
        );
      } finally {
        browser.restore();
      }
    });

    it('a realtime connection in cookie mode sends no token and asks for credentials', () => {
      const rt = new RealtimeConnection(t.baseUrl, { cookie: true }, { reconnection: false });
      expect(rt.socket.auth).toBeUndefined();
      expect(rt.socket.io.opts).toMatchObject({ withCredentials: true, transports: ['websocket'] });
      const bearer = new RealtimeConnection(t.baseUrl, 'z'.repeat(43), { reconnection: false });
      expect(bearer.socket.auth).toEqual({ token: 'z'.repeat(43) });
      expect(bearer.socket.io.opts).not.toHaveProperty('withCredentials');
      rt.close();
      bearer.close();
    });
  });
});
