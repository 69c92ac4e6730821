import type { AuditEventFilters, AuditEventView, StrongroomClient } from '../client/sdk/index.js';
import { fieldsOf, refused } from './support/refused.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { type Person, uniqueEmail, World } from './support/world.js';

/** Every event the client may read that matches `filters`, through the SDK's export helper. */
async function all(c: StrongroomClient, filters: AuditEventFilters = {}): Promise<AuditEventView[]> {
  const out: AuditEventView[] = [];
  for await (const page of c.auditEventsAll(filters)) out.push(...page);
  return out;
}

const seqs = (events: AuditEventView[]) => events.map((e) => e.seq);

/**
 * Reading the audit log (issue 16): each filter of `GET /api/audit/events` narrows to exactly the events
 * that match it (checked against the whole log filtered here), paging works both ways, an agency's
 * data-protection lead sees their agency's trail and nothing else whatever they ask for, and bad filters
 * are refused in plain words.
 */
describe('audit events: filters, paging and who sees what', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let police: string;
  let fire: string;
  let admin: Person;
  let pat: { id: string; email: string; password: string };
  let councilWorker: Person;
  let policeWorker: Person;
  /** When the suspension of Fire happened (ten minutes after the sign-ins). */
  let later: string;

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    police = await w.agency('Police', { sector: 'police' });
    fire = await w.agency('Fire', { sector: 'other' });
    admin = await w.person(council, 'isa_admin');

    // Police is suspended and reinstated before any of its people sign in: events about the agency itself.
    await admin.client.suspendAgency(police, 'Checking the signature');
    await admin.client.reinstateAgency(police);

    // Pat of Police, invited by the ISA admin (of Council): a failed sign-in, then a good one.
    const email = uniqueEmail('pat');
    const password = 'pat-correct-horse-battery';
    const created = await admin.client.createUser({
      agencyId: police,
      email,
      displayName: 'Pat',
      role: 'practitioner',
    });
    await w.client().acceptInvitation(created.invitation.token, password);
    await refused(w.client().login({ email, password: 'a-wrong-guess-here' }), 401, 'invalid_credentials');
    pat = { id: created.user.id, email, password };
    await w.signIn({ ...pat, role: 'practitioner', agencyId: police });

    councilWorker = await w.person(council, 'practitioner', 'cw');
    policeWorker = await w.person(police, 'practitioner', 'pw');

    // Ten minutes later (within a session's idle time) the ISA admin suspends Fire, and disables the Council worker.
    t.clock.advance(600_000);
    later = t.clock.now().toISOString();
    await admin.client.suspendAgency(fire, 'Checking');
    await admin.client.disableUser(councilWorker.id, 'Left');
  });
  afterAll(() => t.close());

  it('each filter gives exactly the events that match it, and no others', async () => {
    const everything = await all(admin.client);
    const at = (e: AuditEventView) => Date.parse(e.occurredAt);
    const cases: [AuditEventFilters, (e: AuditEventView) => boolean][] = [
      [{ actorUserId: pat.id }, (e) => e.actorUserId === pat.id],
      [{ agencyId: police }, (e) => e.actorAgencyId === police],
      [{ action: 'auth.login' }, (e) => e.action === 'auth.login'],
      [{ action: 'agency.' }, (e) => e.action.startsWith('agency.')],
      [{ action: 'user.' }, (e) => e.action.startsWith('user.')],
      [{ targetType: 'agency' }, (e) => e.targetType === 'agency'],
      [{ targetType: 'agency', targetId: fire }, (e) => e.targetType === 'agency' && e.targetId === fire],
      [{ targetId: pat.id }, (e) => e.targetId === pat.id],
      [{ from: later }, (e) => at(e) >= Date.parse(later)],
      [{ to: later }, (e) => at(e) < Date.parse(later)],
      [{ outcome: 'failure' }, (e) => e.outcome === 'failure'],
      [
        { actorUserId: pat.id, action: 'auth.login', outcome: 'failure' },
        (e) => e.actorUserId === pat.id && e.action === 'auth.login' && e.outcome === 'failure',
      ],
    ];
    for (const [filters, matches] of cases) {
      const expected = everything.filter(matches);
      // Each case is a real narrowing: some events match and some do not.
      expect({ filters, matched: expected.length > 0 && expected.length < everything.length }).toEqual({
        filters,
        matched: true,
      });
      expect({ filters, seqs: seqs(await all(admin.client, filters)) }).toEqual({ filters, seqs: seqs(expected) });
    }

    // `from` is inclusive and `to` exclusive, to the millisecond of one event.
    const suspended = everything.find((e) => e.action === 'agency.suspended' && e.targetId === fire)!;
    expect(seqs(await all(admin.client, { from: suspended.occurredAt, action: 'agency.suspended' }))).toEqual([
      suspended.seq,
    ]);
    expect(seqs(await all(admin.client, { to: suspended.occurredAt, targetId: fire }))).toEqual(
      seqs(everything.filter((e) => e.targetId === fire && at(e) < at(suspended))),
    );
    // A time with an offset means the same instant.
    const sameInstant = new Date(Date.parse(later)).toISOString().replace('Z', '+00:00');
    expect(seqs(await all(admin.client, { from: sameInstant }))).toEqual(
      seqs(everything.filter((e) => at(e) >= Date.parse(later))),
    );
    // A prefix is a prefix only when it ends in a dot: `agency` alone is an action no event has.
    expect(await all(admin.client, { action: 'agency' })).toEqual([]);
    // An underscore is a letter, not a wildcard: `user_created` is not `user.created`.
    expect(await all(admin.client, { action: 'user_created' })).toEqual([]);
    expect(await all(admin.client, { action: 'user.created' })).not.toEqual([]);
  });

  it('pages a filtered view forward from afterSeq and back from beforeSeq, newest first on request', async () => {
    const logins = await all(admin.client, { action: 'auth.login' });
    expect(logins.length).toBeGreaterThanOrEqual(4);
    const first = await admin.client.auditEvents({ action: 'auth.login', limit: 2 });
    expect(seqs(first)).toEqual(seqs(logins.slice(0, 2)));
    const second = await admin.client.auditEvents({ action: 'auth.login', limit: 2, afterSeq: first[1].seq });
    expect(seqs(second)).toEqual(seqs(logins.slice(2, 4)));

    const newest = await admin.client.auditEvents({ action: 'auth.login', limit: 2, order: 'newest' });
    expect(seqs(newest)).toEqual(seqs(logins.slice(-2).reverse()));
    const back = await admin.client.auditEvents({
      action: 'auth.login',
      limit: 2,
      order: 'newest',
      beforeSeq: newest[1].seq,
    });
    expect(seqs(back)).toEqual(seqs(logins.slice(-4, -2).reverse()));
  });

  it('an agency admin sees what their people did and what was done to their agency or its people, nothing else', async () => {
    const dpLead = await w.person(police, 'agency_admin', 'dpl');
    const everyone = await all(admin.client);
    const policePeople = new Set((await admin.client.users(police)).map((u) => u.id));
    const theirs = (e: AuditEventView) =>
      e.actorAgencyId === police ||
      (e.targetType === 'agency' && e.targetId === police) ||
      (e.targetType === 'user' && e.targetId !== null && policePeople.has(e.targetId));

    const seen = await all(dpLead.client);
    expect(seqs(seen)).toEqual(seqs(everyone.filter(theirs)));
    // Each way in is really there: their people's own acts, the ISA admin's acts on Police and on its people.
    expect(seen).toContainEqual(expect.objectContaining({ action: 'auth.login', actorUserId: policeWorker.id }));
    expect(seen).toContainEqual(
      expect.objectContaining({ action: 'agency.suspended', actorUserId: admin.id, targetId: police }),
    );
    expect(seen).toContainEqual(
      expect.objectContaining({ action: 'user.created', actorUserId: admin.id, targetId: pat.id }),
    );
    // …and others' are not: Council's people, what was done to Fire or to a Council person.
    expect(seen.some((e) => e.actorAgencyId === council)).toBe(true); // the admin's acts on Police
    expect(seen.filter((e) => e.actorAgencyId === council).every((e) => theirs(e))).toBe(true);
    expect(seen.some((e) => e.actorUserId === councilWorker.id)).toBe(false);
    expect(seen.some((e) => e.targetId === fire || e.targetId === councilWorker.id)).toBe(false);
    expect(everyone.some((e) => e.targetId === fire)).toBe(true);
    expect(everyone.some((e) => e.targetId === councilWorker.id)).toBe(true);

    // Filters narrow within their trail and never widen it.
    await refused(dpLead.client.auditEvents({ agencyId: council }), 403, 'other_agency');
    expect(await all(dpLead.client, { actorUserId: councilWorker.id })).toEqual([]);
    expect(await all(dpLead.client, { targetId: councilWorker.id })).toEqual([]);
    expect(await all(dpLead.client, { targetType: 'agency', targetId: fire })).toEqual([]);
    const byAdmin = await all(dpLead.client, { actorUserId: admin.id });
    expect(byAdmin.length).toBeGreaterThan(0);
    expect(seqs(byAdmin)).toEqual(seqs(everyone.filter((e) => e.actorUserId === admin.id && theirs(e))));
    expect(seqs(await all(dpLead.client, { agencyId: police }))).toEqual(
      seqs(everyone.filter((e) => e.actorAgencyId === police)),
    );
    expect(seqs(await all(dpLead.client, { action: 'agency.' }))).toEqual(
      seqs(everyone.filter((e) => e.action.startsWith('agency.') && theirs(e))),
    );
    // Newest first keeps to the same trail.
    const newest = await dpLead.client.auditEvents({ order: 'newest', limit: 1000 });
    expect(seqs(newest)).toEqual(seqs(everyone.filter(theirs)).reverse());

    // Practitioners read none of it; auditors read all of it.
    await refused(policeWorker.client.auditEvents({ actorUserId: policeWorker.id }), 403, 'forbidden_role');
    const auditor = await w.person(council, 'auditor');
    const auditorSees = await all(auditor.client);
    expect(seqs(auditorSees.filter((e) => e.seq <= everyone.at(-1)!.seq))).toEqual(seqs(everyone));
  });

  it('refuses bad filters with the field and what it must be, in plain words', async () => {
    const bad: [Record<string, string>, string, RegExp][] = [
      [{ actorUserId: 'nope' }, 'actorUserId', /user id/],
      [{ agencyId: 'police' }, 'agencyId', /agency id/],
      [{ action: 'Auth.Login' }, 'action', /action such as auth\.login/],
      [{ action: 'auth..login' }, 'action', /action/],
      [{ action: "auth.login' OR '1'='1" }, 'action', /action/],
      [{ action: '%' }, 'action', /action/],
      [{ action: '.' }, 'action', /action/],
      [{ targetType: 'User' }, 'targetType', /kind of record/],
      [{ targetId: 'a b' }, 'targetId', /record id/],
      [{ targetId: '%' }, 'targetId', /record id/],
      [{ from: 'yesterday' }, 'from', /date and time/],
      [{ from: '2026-12-01' }, 'from', /date and time/],
      [{ to: '0000-01-01T00:00:00Z' }, 'to', /1900/],
      [{ from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' }, 'to', /later than from/],
      [{ from: '2026-12-01T00:00:00Z', to: '2026-12-01T00:00:00Z' }, 'to', /later than from/],
      [{ outcome: 'maybe' }, 'outcome', /success, failure, denied/],
      [{ order: 'sideways' }, 'order', /oldest or newest/],
      [{ actor: admin.id }, 'actor', /not an accepted field/],
    ];
    for (const [query, field, message] of bad) {
      const err = await refused(admin.client.auditEvents(query), 400, 'validation_failed');
      expect(err.message).toBe('The query is invalid.');
      const fields = fieldsOf(err);
      expect({ query, fields: Object.keys(fields) }).toEqual({ query, fields: [field] });
      expect(fields[field].join(' ')).toMatch(message);
    }
  });

  it('has indexes for the filters by person, by record and by time', async () => {
    const { rows } = await t.sql("SELECT indexname FROM pg_indexes WHERE tablename = 'audit_events'");
    expect((rows as { indexname: string }[]).map((r) => r.indexname)).toEqual(
      expect.arrayContaining([
        'audit_events_actor_user',
        'audit_events_agency',
        'audit_events_occurred_at',
        'audit_events_target',
      ]),
    );
  });
});
