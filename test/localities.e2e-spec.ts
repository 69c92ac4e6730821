import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FamilyView, LocalityView } from '../client/sdk/index.js';
import { cli, cliAs, cliPerson, json } from './support/cli.js';
import { countOf } from './support/db.js';
import { fieldsOf, refused } from './support/refused.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { type Person, totpAt, World } from './support/world.js';

/**
 * Localities (ISA 2.2) through the real API on a real database: the ISA team keeps the list (nobody else adds
 * to it, and a name is on it once, whatever its case); a family is placed in one when it is opened or later by
 * its lead worker or its agency's administrator, never by anyone else; every change is audited by id.
 */
describe('localities and a family’s locality', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let police: string;
  let admin: Person;
  let councilAdmin: Person;
  let policeAdmin: Person;
  let alice: Person;
  let carol: Person;
  let bob: Person;

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    police = await w.agency('Police', { sector: 'police' });
    admin = await w.person(council, 'isa_admin');
    councilAdmin = await w.person(council, 'agency_admin', 'cadmin');
    policeAdmin = await w.person(police, 'agency_admin', 'padmin');
    alice = await w.person(council, 'practitioner', 'alice');
    carol = await w.person(council, 'practitioner', 'carol');
    bob = await w.person(police, 'practitioner', 'bob');
  });
  afterAll(async () => {
    await t.close();
  });

  it('the ISA team adds localities; everyone signed in lists them; adding is audited by id', async () => {
    const north = await admin.client.addLocality('North');
    const central = await admin.client.addLocality('  Central ');
    expect(central.name).toBe('Central');
    const seen = await bob.client.localities();
    expect(seen.map((l) => l.name)).toEqual(['Central', 'North']);
    expect(seen.find((l) => l.name === 'North')).toEqual(north);
    const events = await countOf(
      t,
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'locality.added' AND actor_user_id = $1 AND target_id = $2`,
      [admin.id, north.id],
    );
    expect(events).toBe(1);
  });

  it('refuses adding a locality to anyone but an ISA administrator, and a name already on the list', async () => {
    await refused(councilAdmin.client.addLocality('South'), 403, 'forbidden_role');
    await refused(alice.client.addLocality('South'), 403, 'forbidden_role');
    const dup = await refused(admin.client.addLocality('north'), 409, 'locality_exists');
    expect(dup.message).toBe('There is already a locality called "north".');
    const bad = await refused(admin.client.addLocality('<script>'), 400, 'validation_failed');
    expect(Object.keys(fieldsOf(bad))).toEqual(['name']);
    expect(await countOf(t, `SELECT count(*)::int AS n FROM localities`)).toBe(2);
  });

  it('places a family in a locality when it is opened, and shows it in the family and the list', async () => {
    const [central, north] = await alice.client.localities();
    const f = await alice.client.createFamily({ localityId: north.id });
    expect(f.locality).toEqual({ id: north.id, name: 'North' });
    expect((await alice.client.family(f.id)).locality).toEqual({ id: north.id, name: 'North' });
    const none = await alice.client.createFamily();
    expect(none.locality).toBeNull();
    const listed = await alice.client.families();
    expect(listed.map((x) => [x.ref, x.locality?.name ?? null])).toEqual([
      [f.ref, 'North'],
      [none.ref, null],
    ]);
    // The lead worker moves it; then its agency's administrator (not in its channel) moves it back.
    expect(await alice.client.setFamilyLocality(f.id, central.id)).toEqual({
      familyId: f.id,
      ref: f.ref,
      locality: { id: central.id, name: 'Central' },
    });
    expect((await councilAdmin.client.setFamilyLocality(f.id, north.id)).locality?.name).toBe('North');
    expect((await alice.client.setFamilyLocality(f.id, null)).locality).toBeNull();
    const changes = (
      await t.sql(
        `SELECT actor_user_id, details FROM audit_events WHERE action = 'family.locality_set' AND target_id = $1 ORDER BY seq`,
        [f.id],
      )
    ).rows as { actor_user_id: string; details: Record<string, unknown> }[];
    expect(changes).toEqual([
      { actor_user_id: alice.id, details: { from: north.id, to: central.id } },
      { actor_user_id: councilAdmin.id, details: { from: central.id, to: north.id } },
      { actor_user_id: alice.id, details: { from: north.id, to: null } },
    ]);
  });

  it('refuses setting the locality to another agency’s practitioner and administrator, and to a colleague who does not lead it', async () => {
    const [, north] = await alice.client.localities();
    const f = await alice.client.createFamily();
    const before = await countOf(t, `SELECT count(*)::int AS n FROM audit_events WHERE action = 'family.locality_set'`);
    const byBob = await refused(bob.client.setFamilyLocality(f.id, north.id), 403, 'lead_worker_only');
    expect(byBob.message).toContain('lead worker');
    await refused(policeAdmin.client.setFamilyLocality(f.id, north.id), 403, 'lead_worker_only');
    await refused(carol.client.setFamilyLocality(f.id, north.id), 403, 'lead_worker_only');
    expect((await alice.client.family(f.id)).locality).toBeNull();
    expect(await countOf(t, `SELECT count(*)::int AS n FROM audit_events WHERE action = 'family.locality_set'`)).toBe(
      before,
    );
  });

  it('refuses a locality that is not on the list, on opening and on changing, changing nothing', async () => {
    const unknown = '7d9f3c1e-0000-4000-8000-000000000000';
    const families = await countOf(t, `SELECT count(*)::int AS n FROM families`);
    const err = await refused(alice.client.createFamily({ localityId: unknown }), 400, 'validation_failed');
    expect(fieldsOf(err)).toEqual({ localityId: ['is not on the list of localities'] });
    expect(await countOf(t, `SELECT count(*)::int AS n FROM families`)).toBe(families);
    const f = await alice.client.createFamily();
    await refused(alice.client.setFamilyLocality(f.id, unknown), 400, 'validation_failed');
    expect((await alice.client.family(f.id)).locality).toBeNull();
  });

  it('the CLI: `localities add|list`, `families create --locality`, `families set-locality`, and the locality in `families list|show`', async () => {
    const homes: string[] = [];
    try {
      const home = await mkdtemp(path.join(os.tmpdir(), 'sr-localities-cli-'));
      homes.push(home);
      admin = await w.signIn(admin);
      const login = await cli(home, t, ['login', '--email', admin.email], {
        STRONGROOM_PASSWORD: admin.password,
        STRONGROOM_TOTP: await totpAt(admin.totpSecret!, t),
      });
      expect(login.code).toBe(0);
      const added = await cli(home, t, ['localities', 'add', 'South']);
      expect(added).toMatchObject({ code: 0, err: '' });
      expect(added.out).toMatch(/^Locality "South" added \(id [0-9a-f-]{36}\)\.\n$/);
      const again = await cli(home, t, ['localities', 'add', 'south']);
      expect(again.code).toBe(1);
      expect(again.err).toContain('There is already a locality called "south".');
      const listed = json<LocalityView[]>(await cli(home, t, ['--json', 'localities', 'list']));
      expect(listed.map((l) => l.name)).toEqual(['Central', 'North', 'South']);

      const lead = await cliPerson(t, w, council, 'cli-lead', homes);
      const refusedAdd = await cliAs(t, lead, ['localities', 'add', 'East']);
      expect(refusedAdd.code).toBe(1);
      const created = await cliAs(t, lead, ['families', 'create', '--locality', 'north']);
      expect(created.code).toBe(0);
      const ref = /Family (EH-\d{4}-\d{4}) opened in the North locality/.exec(created.out)?.[1];
      expect(ref).toBeDefined();
      expect((await cliAs(t, lead, ['families', 'list'])).out).toMatch(new RegExp(`${ref}\\s+you\\s+North`));
      const moved = await cliAs(t, lead, ['families', 'set-locality', ref!, 'South']);
      expect(moved).toMatchObject({ code: 0, out: `${ref} is now in the South locality.\n` });
      expect((await cliAs(t, lead, ['families', 'show', ref!])).out).toMatch(/Locality:\s+South/);
      const shown = json<FamilyView>(await cliAs(t, lead, ['--json', 'families', 'show', ref!]));
      expect(shown.locality?.name).toBe('South');
      const unknown = await cliAs(t, lead, ['families', 'set-locality', ref!, 'Atlantis']);
      expect(unknown.code).toBe(2);
      expect(unknown.err).toContain('localities list');
      expect((await cliAs(t, lead, ['families', 'set-locality', ref!, 'none'])).out).toBe(
        `${ref} now has no locality recorded.\n`,
      );
    } finally {
      for (const h of homes) await rm(h, { recursive: true, force: true });
    }
  });
});
