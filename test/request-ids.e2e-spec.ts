import type { AuditEventView } from '../client/sdk/index.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { type Person, World } from './support/world.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Request ids in the audit log are the server's own (a random UUID per request), answered in the
 * `X-Request-Id` header. A client's `X-Request-Id` is kept beside it when well-formed, never in its place:
 * otherwise a client could label events of different requests as one, or reuse someone else's id.
 */
describe('request ids: the server makes its own, and the audit log records that one', () => {
  let t: TestApp;
  let w: World;
  let admin: Person;

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    admin = await w.person(await w.agency('Council'), 'isa_admin');
  });
  afterAll(() => t.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${t.baseUrl}/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.client.token}`, ...headers },
      body: JSON.stringify(body),
    });

  /** The audit events whose request id is this one. */
  const eventsOf = async (requestId: string) =>
    (await admin.client.auditEvents({ limit: 1000 })).filter((e: AuditEventView) => e.requestId === requestId);

  it('a client-sent X-Request-Id does not become the audit request id; the answer header carries the server’s, which the audit row holds', async () => {
    const res = await post('/agencies', { name: 'Labelled Agency', sector: 'other' }, { 'x-request-id': 'my-label-1' });
    expect(res.status).toBe(201);
    const agencyId = ((await res.json()) as { id: string }).id;
    const serverId = res.headers.get('x-request-id')!;
    expect(serverId).toMatch(UUID);

    const [event] = await eventsOf(serverId);
    expect(event).toMatchObject({ action: 'agency.registered', targetId: agencyId, requestId: serverId });
    // The client's label sits beside the server's id, hashed into the chain with the rest of the event.
    expect(event.details).toMatchObject({ clientRequestId: 'my-label-1' });
    expect(await eventsOf('my-label-1')).toEqual([]);
  });

  it('two requests sending the same X-Request-Id get two different server ids, one per audit row', async () => {
    const sent = { 'x-request-id': 'same-label' };
    const a = await post('/agencies', { name: 'First Twin', sector: 'other' }, sent);
    const b = await post('/agencies', { name: 'Second Twin', sector: 'other' }, sent);
    const [idA, idB] = [a.headers.get('x-request-id')!, b.headers.get('x-request-id')!];
    expect(idA).toMatch(UUID);
    expect(idB).toMatch(UUID);
    expect(idA).not.toBe(idB);
    expect((await eventsOf(idA)).map((e) => e.details.clientRequestId)).toEqual(['same-label']);
    expect((await eventsOf(idB)).map((e) => e.details.clientRequestId)).toEqual(['same-label']);
  });

  it('a malformed or over-long client id is not recorded at all', async () => {
    for (const [i, label] of ['x'.repeat(65), 'two words', 'semi;colon', '<script>', 'a/b', ''].entries()) {
      const res = await post('/agencies', { name: `Odd Label ${i}`, sector: 'other' }, { 'x-request-id': label });
      expect(res.status).toBe(201);
      const serverId = res.headers.get('x-request-id')!;
      expect(serverId).toMatch(UUID);
      const [event] = await eventsOf(serverId);
      expect(event.action).toBe('agency.registered');
      expect(event.details).not.toHaveProperty('clientRequestId');
    }
  });

  it('sign-in (no session yet) and a refusal by role are recorded under the id the answer carried', async () => {
    const login = await fetch(`${t.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'cli-login-7' },
      body: JSON.stringify({ email: admin.email, password: 'not-the-password-at-all' }),
    });
    expect(login.status).toBe(401);
    const loginId = login.headers.get('x-request-id')!;
    expect(loginId).toMatch(UUID);
    expect(await eventsOf(loginId)).toEqual([
      expect.objectContaining({
        action: 'auth.login',
        outcome: 'failure',
        details: expect.objectContaining({ clientRequestId: 'cli-login-7' }) as unknown,
      }),
    ]);

    const worker = await w.person(admin.agencyId, 'practitioner');
    const denied = await fetch(`${t.baseUrl}/api/audit/verify`, {
      headers: { authorization: `Bearer ${worker.client.token}`, 'x-request-id': 'cli-verify-8' },
    });
    expect(denied.status).toBe(403);
    const deniedId = denied.headers.get('x-request-id')!;
    expect(deniedId).toMatch(UUID);
    expect(await eventsOf(deniedId)).toEqual([
      expect.objectContaining({ action: 'access.denied', actorUserId: worker.id, requestId: deniedId }),
    ]);
  });

  it('a body refused before routing (malformed JSON) still answers with a server id', async () => {
    const res = await fetch(`${t.baseUrl}/api/agencies`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${admin.client.token}`,
        'x-request-id': 'broken-body',
      },
      body: '{"name":',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-request-id')).toMatch(UUID);
  });
});
