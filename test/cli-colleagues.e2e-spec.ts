import { rm } from 'node:fs/promises';
import { cliAs, cliPerson, json, type CliAccount } from './support/cli.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World } from './support/world.js';

/** The CLI's colleague search, and the channel list's unread counts and direct channels' names. */
describe('the strongroom CLI: finding colleagues, unread counts', () => {
  let t: TestApp;
  let w: World;
  const homes: string[] = [];
  let alice: CliAccount;
  let bob: CliAccount;

  const as = (p: CliAccount, argv: string[]) => cliAs(t, p, argv);

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    const council = await w.agency('Northshire Council');
    const police = await w.agency('Northshire Police', { sector: 'police' });
    alice = await cliPerson(t, w, council, 'alice', homes);
    bob = await cliPerson(t, w, police, 'bob', homes);
    await cliPerson(t, w, police, 'carol', homes);
  });
  afterAll(async () => {
    await t.close();
    for (const h of homes) await rm(h, { recursive: true, force: true });
  });

  it('`users search` finds colleagues by the start of their names, or an agency’s people, with name and agency', async () => {
    const found = await as(alice, ['users', 'search', 'pers', 'bo']);
    expect(found.code).toBe(0);
    expect(found.out).toMatch(/NAME\s+AGENCY\s+ROLE\s+USER ID/);
    expect(found.out).toMatch(new RegExp(`bob person\\s+Northshire Police\\s+practitioner\\s+${bob.id}`));
    expect(found.out).not.toContain('carol');

    const police = await as(alice, ['--json', 'users', 'search', '--agency', 'Northshire Police']);
    expect(json<{ displayName: string }[]>(police).map((u) => u.displayName)).toEqual(['bob person', 'carol person']);

    const none = await as(alice, ['users', 'search', 'zebedee']);
    expect({ code: none.code, out: none.out }).toEqual({
      code: 0,
      out: 'Nobody found. Try fewer letters, or the start of another of their names.\n',
    });
  });

  it('`users search` with less than two letters and no agency is a usage error that says what to give', async () => {
    const r = await as(alice, ['users', 'search', 'b']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Give at least 2 letters of the person’s name, or --agency <agency>, or both.');
    const help = await as(alice, ['users', 'search', '--help']);
    expect(help.out).toContain('Each word is the start of one of their names');
  });

  it('`channels list` names whom a direct channel is with and counts unread messages; `read` marks them read', async () => {
    const created = await as(alice, ['--json', 'channels', 'create', '--kind', 'direct', '--member', bob.email]);
    expect(created.code).toBe(0);
    const { id } = json<{ id: string }>(created);
    await as(alice, ['send', id, 'first']);
    await as(alice, ['send', id, 'second']);

    const row = (out: string) => out.split('\n').find((l) => l.includes(id)) ?? '';
    const listed = await as(bob, ['channels', 'list']);
    expect(listed.out).toMatch(/TITLE\s+KIND\s+ROLE\s+MEMBERS\s+UNREAD\s+MESSAGES\s+ID/);
    expect(row(listed.out)).toMatch(/^with alice person \(Northshire Council\)\s+direct\s+member\s+2\s+2\s+2\s/);

    expect((await as(bob, ['read', id, '--keep-unread'])).code).toBe(0);
    const still = await as(bob, ['--json', 'channels', 'list']);
    expect(json<{ id: string; unreadCount: number }[]>(still).find((c) => c.id === id)?.unreadCount).toBe(2);

    expect((await as(bob, ['read', id, '--limit', '1'])).code).toBe(0);
    expect(row((await as(bob, ['channels', 'list'])).out)).toMatch(/direct\s+member\s+2\s+1\s+2\s/);
    expect((await as(bob, ['read', id])).code).toBe(0);
    expect(row((await as(bob, ['channels', 'list'])).out)).toMatch(/direct\s+member\s+2\s+0\s+2\s/);
    // Alice's own messages were never unread for her.
    expect(row((await as(alice, ['channels', 'list'])).out)).toMatch(
      /^with bob person \(Northshire Police\)\s+direct\s+member\s+2\s+0\s+2\s/,
    );
  });
});
