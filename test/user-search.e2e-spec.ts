import { USER_SEARCH_LIMIT } from '../contracts/identity.js';
import type { UserDirectoryEntry } from '../client/sdk/index.js';
import { fieldsOf, refused } from './support/refused.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

/**
 * Finding colleagues to start a conversation with (`GET /users/search`): by the start of any words of
 * their name, in any order, and/or by agency; only active people of agencies party to the agreement
 * now; a handful at a time, by name. Over real HTTP with the real SDK.
 */
describe('searching for colleagues by name and agency', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let police: string;
  let school: string;
  let leaving: string;
  let many: string;
  let admin: Person;
  let searcher: Person;
  /** Display names by user id, of everyone made here. */
  const people = new Map<string, string>();

  const names = (found: UserDirectoryEntry[]) => found.map((u) => u.displayName);

  /** An active account called `displayName` (not signed in). */
  async function named(agencyId: string, displayName: string, role: 'practitioner' | 'mash_worker' = 'practitioner') {
    const p = await w.account(agencyId, role, displayName.split(' ')[0].toLowerCase(), { displayName });
    people.set(p.id, displayName);
    return p;
  }

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    council = await w.agency('Northshire Council');
    police = await w.agency('Northshire Police', { sector: 'police' });
    school = await w.agency('Riverside Academy', { sector: 'education' });
    leaving = await w.agency('Leaving Trust', { sector: 'health' });
    many = await w.agency('Many Hands Charity', { sector: 'voluntary' });
    const unsigned = await w.agency('Eastbrook Housing', { sector: 'housing', signed: false });
    const suspended = await w.agency('Suspended Service', { sector: 'other' });
    const withdrawn = await w.agency('Westvale Youth', { sector: 'other' });
    admin = await w.person(council, 'isa_admin', 'admin', { displayName: 'Ada Admin' });
    searcher = await w.person(police, 'practitioner', 'searcher', { displayName: 'Sam Searcher' });

    await named(council, 'Grace Obi');
    await named(police, 'Obadiah Grant', 'mash_worker');
    await named(police, 'Alys Jones');
    await named(school, 'Owen Price');
    await named(school, 'Grace Price');
    await named(leaving, 'Grace Leaving');
    // Never found: a leaver, someone who has not accepted their invitation, and people of agencies that are
    // not party to the agreement (never signed, suspended, withdrawn).
    const leaver = await named(council, 'Grace Disabled');
    await admin.client.disableUser(leaver.id, 'Left the service');
    await w.users.create(null, {
      agencyId: council,
      email: 'grace.invited@test.example',
      displayName: 'Grace Invited',
      role: 'practitioner',
    });
    await named(unsigned, 'Grace Unsigned');
    await named(suspended, 'Grace Suspended');
    await named(withdrawn, 'Grace Withdrawn');
    await admin.client.suspendAgency(suspended, 'Under investigation');
    // Westvale's notice was received two months ago: its withdrawal is past and the job applies it.
    const twoMonthsAgo = new Date(t.clock.now().getTime() - 61 * 86_400_000).toISOString();
    await admin.client.giveNotice(withdrawn, twoMonthsAgo, 'The letter was filed late');
    await w.agencies.applyDueWithdrawals();
    // Leaving Trust has given notice today: it is party to the agreement for one more month.
    await admin.client.giveNotice(leaving);
    for (let i = 0; i < USER_SEARCH_LIMIT + 5; i++) await named(many, `Many Person ${String(i).padStart(2, '0')}`);
  });
  afterAll(() => t.close());

  it('finds people by the start of any word of their name, in any order, whatever the case', async () => {
    const c = searcher.client;
    expect(names(await c.searchUsers('gra'))).toEqual(['Grace Leaving', 'Grace Obi', 'Grace Price', 'Obadiah Grant']);
    expect(names(await c.searchUsers('obi grace'))).toEqual(['Grace Obi']);
    expect(names(await c.searchUsers('GRACE OBI'))).toEqual(['Grace Obi']);
    expect(names(await c.searchUsers('ob gr'))).toEqual(['Grace Obi', 'Obadiah Grant']);
    expect(names(await c.searchUsers('  Price,  Owen '))).toEqual(['Owen Price']);
    // The start of a word, not any part of it.
    expect(await c.searchUsers('race')).toEqual([]);
    expect(await c.searchUsers('grace zz')).toEqual([]);
  });

  it('returns the same directory entry as a lookup by e-mail: id, name, role and agency', async () => {
    const [found] = await searcher.client.searchUsers('obadiah');
    const obadiah = [...people].find(([, n]) => n === 'Obadiah Grant')![0];
    expect(found).toEqual({
      id: obadiah,
      displayName: 'Obadiah Grant',
      role: 'mash_worker',
      agencyId: police,
      agencyName: 'Northshire Police',
    });
    const me = await searcher.client.searchUsers('sam searcher');
    expect(me).toEqual([await admin.client.lookupUser(searcher.email)]);
  });

  it('narrows to one agency, or lists an agency’s people by name (one letter is enough within an agency)', async () => {
    const c = searcher.client;
    expect(names(await c.searchUsers('grace', school))).toEqual(['Grace Price']);
    expect(names(await c.searchUsers('', school))).toEqual(['Grace Price', 'Owen Price']);
    expect(names(await c.searchUsers('o', school))).toEqual(['Owen Price']);
    expect(names(await c.searchUsers('', police))).toEqual(['Alys Jones', 'Obadiah Grant', 'Sam Searcher']);
  });

  it('never finds disabled or invited accounts, nor people of agencies not party to the agreement now', async () => {
    const c = searcher.client;
    // "Grace Leaving" is found: her agency is in its notice month, still a party until it ends.
    expect(names(await c.searchUsers('grace'))).toEqual(['Grace Leaving', 'Grace Obi', 'Grace Price']);
    for (const who of ['disabled', 'invited', 'unsigned', 'suspended', 'withdrawn'])
      expect(await c.searchUsers(`grace ${who}`)).toEqual([]);
    const agencies = await admin.client.agencies();
    for (const name of ['Eastbrook Housing', 'Suspended Service', 'Westvale Youth']) {
      const agency = agencies.find((a) => a.name === name)!;
      expect(await c.searchUsers('', agency.id)).toEqual([]);
      expect(await c.searchUsers('grace', agency.id)).toEqual([]);
    }
    // An agency that does not exist finds nobody either (no error that would tell it apart).
    expect(await c.searchUsers('grace', '5b0f7a4e-3c1d-4e8f-9a2b-6c7d8e9f0a1b')).toEqual([]);
  });

  it(`returns at most ${USER_SEARCH_LIMIT} people, the first by name`, async () => {
    const expected = Array.from({ length: USER_SEARCH_LIMIT }, (_, i) => `Many Person ${String(i).padStart(2, '0')}`);
    expect(names(await searcher.client.searchUsers('many'))).toEqual(expected);
    expect(names(await searcher.client.searchUsers('', many))).toEqual(expected);
  });

  it('takes what is typed as words only: quotes and text-search operators neither fail nor widen a search', async () => {
    const c = searcher.client;
    expect(names(await c.searchUsers("grace' OR '1'='1"))).toEqual([]);
    expect(names(await c.searchUsers('grace | !obi'))).toEqual(['Grace Obi']);
    expect(names(await c.searchUsers('obi:* & (grace)'))).toEqual(['Grace Obi']);
    expect(names(await c.searchUsers('%_ gr%'))).toEqual([
      'Grace Leaving',
      'Grace Obi',
      'Grace Price',
      'Obadiah Grant',
    ]);
  });

  it('refuses a search too short, too long, of nothing, or of a malformed agency, in plain words naming the field', async () => {
    const c = searcher.client;
    const before = await t.sql('SELECT count(*)::int AS n FROM audit_events');
    const short = await refused(c.searchUsers('g'), 400, 'validation_failed');
    expect(fieldsOf(short)).toEqual({ q: ['type at least 2 characters of a name, or choose an agency'] });
    expect(fieldsOf(await refused(c.searchUsers(''), 400, 'validation_failed'))).toHaveProperty('q');
    expect(fieldsOf(await refused(c.searchUsers('   '), 400, 'validation_failed'))).toHaveProperty('q');
    expect(fieldsOf(await refused(c.searchUsers('!?'), 400, 'validation_failed'))).toEqual({
      q: ['must contain letters or digits of a name'],
    });
    const long = await refused(c.searchUsers('g'.repeat(500)), 400, 'validation_failed');
    expect(fieldsOf(long)).toEqual({ q: ['must be at most 100 characters'] });
    expect(fieldsOf(await refused(c.searchUsers('grace', 'police'), 400, 'validation_failed'))).toEqual({
      agencyId: ['must be an agency id (a UUID)'],
    });
    const res = await fetch(`${t.baseUrl}/api/users/search?q=grace&everyone=1`, {
      headers: { authorization: `Bearer ${c.token}` },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('The query is invalid.');
    expect((await t.sql('SELECT count(*)::int AS n FROM audit_events')).rows).toEqual(before.rows);
  });

  it('is for signed-in people with full access only', async () => {
    await refused(w.client().searchUsers('grace'), 401, 'unauthenticated');
    const unattested = await w.person(council, 'practitioner', 'new', { attest: false });
    await refused(unattested.client.searchUsers('grace'), 403, 'attestation_required');
    const agencies = await admin.client.agencies();
    const housing = agencies.find((a) => a.name === 'Eastbrook Housing')!.id;
    const outsider = await w.person(housing, 'practitioner', 'outsider');
    await refused(outsider.client.searchUsers('grace'), 403, 'agency_not_signed');
  });
});
