import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkChain, type AuditEventFilters, type AuditEventView, type StrongroomClient } from '../client/sdk/index.js';
import { cli, json, type Result } from './support/cli.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { type Person, totpAt, World } from './support/world.js';

/** Every event the client may read that matches `filters`, through the SDK. */
async function all(c: StrongroomClient, filters: AuditEventFilters = {}): Promise<AuditEventView[]> {
  const out: AuditEventView[] = [];
  for await (const page of c.auditEventsAll(filters)) out.push(...page);
  return out;
}

const seqs = (events: { seq: number }[]) => events.map((e) => e.seq);

/** RFC 4180 parsed back: quoted cells with doubled quotes, commas and line breaks inside; CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  expect({ rest: cell, row }).toEqual({ rest: '', row: [] }); // the file ends with a whole record
  return rows;
}

/**
 * `strongroom audit events` (issue 16) against the real server: the table of the newest events, the
 * filters by person, agency, action, record, time and outcome as a person names them, `--json`, and
 * exports to CSV and JSON that hold every matching event, are readable only by their owner, are never
 * written over unasked, keep spreadsheets from running a cell, and (unfiltered) re-verify as a chain.
 */
describe('strongroom audit events', () => {
  let t: TestApp;
  let w: World;
  let council: string;
  let police: string;
  let admin: Person;
  let dpLead: Person;
  let trickster: Person;
  let worker: Person;
  const homes: string[] = [];
  let adminHome: string;
  let dpHome: string;
  let dir: string;

  /** Signs a person with two-factor sign-in in on a computer of their own (a fresh STRONGROOM_HOME). */
  async function cliLogin(p: Person): Promise<string> {
    const home = await mkdtemp(path.join(os.tmpdir(), 'sr-audit-'));
    homes.push(home);
    t.clock.advance(30_000); // each code works once: a fresh time step
    const r = await cli(home, t, ['login', '--email', p.email], {
      STRONGROOM_PASSWORD: p.password,
      STRONGROOM_TOTP: await totpAt(p.totpSecret!, t),
    });
    expect(r).toMatchObject({ code: 0 });
    return home;
  }
  const asAdmin = (argv: string[]) => cli(adminHome, t, ['audit', 'events', ...argv]);
  const asDpLead = (argv: string[]) => cli(dpHome, t, ['audit', 'events', ...argv]);
  const ok = (r: Result) => {
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: r.err });
    return r;
  };

  beforeAll(async () => {
    t = await startTestApp();
    w = new World(t);
    await w.agreement();
    council = await w.agency('Council');
    police = await w.agency('Police', { sector: 'police' });
    admin = await w.person(council, 'isa_admin', 'isa');
    dpLead = await w.person(police, 'agency_admin', 'dpl');
    worker = await w.person(police, 'practitioner', 'worker');
    // A person whose name a spreadsheet would run as a formula.
    trickster = await w.person(council, 'practitioner', 'trick', { displayName: '=HYPERLINK("http://evil.example")' });
    // Enough events that the screen's 50 is not all of them.
    for (let i = 0; i < 30; i++) await w.signIn(worker);
    await admin.client.suspendAgency(police, 'Checking');
    await admin.client.reinstateAgency(police);
    adminHome = await cliLogin(admin);
    dpHome = await cliLogin(dpLead);
    dir = await mkdtemp(path.join(os.tmpdir(), 'sr-audit-out-'));
  });
  afterAll(async () => {
    await t.close();
    for (const h of [...homes, dir]) await rm(h, { recursive: true, force: true });
  });

  it('explains itself in --help, with examples', async () => {
    const help = ok(await cli(adminHome, t, ['audit', 'events', '--help']));
    for (const text of ['Usage: strongroom audit events', '--person', '--export', 'Examples:', '--json'])
      expect(help.out).toContain(text);
    expect(ok(await cli(adminHome, t, ['audit', '--help'])).out).toContain('events');
  });

  it('shows the newest 50 as a table, newest last, with names where it can', async () => {
    const everything = await all(admin.client);
    expect(everything.length).toBeGreaterThan(50);
    const r = ok(await asAdmin([]));
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['SEQ', 'WHEN', 'WHO', 'AGENCY', 'ACTION', 'RECORD', 'OUTCOME']);
    const rows = lines.slice(2, 52);
    expect(rows.map((l) => Number(l.split(/\s+/)[0]))).toEqual(seqs(everything.slice(-50)));
    expect(lines[52]).toMatch(/newest 50 are shown.*--export/);
    // WHEN is this computer's clock, readable; WHO the person's e-mail; AGENCY its name; RECORD type and id start.
    const suspended = everything.find((e) => e.action === 'agency.suspended')!;
    const line = rows.find((l) => l.startsWith(`${suspended.seq} `))!;
    const d = new Date(suspended.occurredAt);
    const pad = (n: number) => String(n).padStart(2, '0');
    expect(line).toContain(`${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:`);
    expect(line).toContain(admin.email);
    expect(line).toContain('Council');
    expect(line).toContain(`agency ${police.slice(0, 8)}`);
    expect(line).toMatch(/success$/);

    const five = ok(await asAdmin(['--limit', '5', '--json']));
    expect(seqs(json<AuditEventView[]>(five))).toEqual(seqs(everything.slice(-5)));
    // --json is the events as the server sends them.
    expect(json<AuditEventView[]>(five)).toEqual(everything.slice(-5));
  });

  it('filters by person, agency, action, record, time and outcome as a person names them', async () => {
    const everything = await all(admin.client);
    const shown = async (argv: string[]) =>
      seqs(json<AuditEventView[]>(ok(await asAdmin([...argv, '--json', '--limit', '10000']))));
    expect(await shown(['--person', worker.email])).toEqual(
      seqs(everything.filter((e) => e.actorUserId === worker.id)),
    );
    expect(await shown(['--person', worker.id])).toEqual(seqs(everything.filter((e) => e.actorUserId === worker.id)));
    expect(await shown(['--agency', 'Police'])).toEqual(seqs(everything.filter((e) => e.actorAgencyId === police)));
    expect(await shown(['--action', 'agency.'])).toEqual(
      seqs(everything.filter((e) => e.action.startsWith('agency.'))),
    );
    expect(await shown(['--record', police])).toEqual(seqs(everything.filter((e) => e.targetId === police)));
    expect(await shown(['--outcome', 'success', '--action', 'mfa.enabled'])).toEqual(
      seqs(everything.filter((e) => e.outcome === 'success' && e.action === 'mfa.enabled')),
    );
    const suspended = everything.find((e) => e.action === 'agency.suspended')!;
    expect(await shown(['--since', suspended.occurredAt, '--action', 'agency.'])).toEqual(
      seqs(everything.filter((e) => e.action.startsWith('agency.') && e.occurredAt >= suspended.occurredAt)),
    );
    expect(await shown(['--until', suspended.occurredAt, '--record', police])).toEqual(
      seqs(everything.filter((e) => e.targetId === police && e.occurredAt < suspended.occurredAt)),
    );
    // A date alone: --until includes that whole day; --since starts at its beginning.
    const today = new Date(suspended.occurredAt);
    const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    expect(await shown(['--since', day, '--until', day, '--action', 'agency.suspended'])).toEqual([suspended.seq]);

    // Mistakes are said plainly: on this computer (exit 2), or by the server naming the field (exit 1).
    const since = await asAdmin(['--since', 'last tuesday']);
    expect(since.code).toBe(2);
    expect(since.err).toContain('--since takes a date (2026-12-01)');
    const action = await asAdmin(['--action', 'Auth.Login']);
    expect(action.code).toBe(1);
    expect(action.err).toMatch(/action: must be an action such as auth\.login/);
    const outcome = await asAdmin(['--outcome', 'maybe']);
    expect(outcome.code).toBe(2);
    expect(outcome.err).toContain('--outcome is one of: success, failure, denied');
    const nobody = await asAdmin(['--person', 'nobody@nowhere.example']);
    expect(nobody.code).toBe(2);
    expect(nobody.err).toContain('Nothing matches "nobody@nowhere.example"');
  });

  it('shows an agency admin their agency’s trail, and refuses another agency', async () => {
    const theirs = await all(dpLead.client);
    const r = ok(await asDpLead(['--json', '--limit', '10000']));
    expect(seqs(json<AuditEventView[]>(r)).slice(0, theirs.length)).toEqual(seqs(theirs));
    expect(json<AuditEventView[]>(r).some((e) => e.actorUserId === trickster.id)).toBe(false);
    const other = await asDpLead(['--agency', 'Council']);
    expect(other.code).toBe(1);
    expect(other.err).toContain("You can only read your own agency's audit trail.");
  });

  it('exports every matching event to CSV: readable only by you, parsed back whole, formulas made inert', async () => {
    const file = path.join(dir, 'audit.csv');
    const r = ok(await asAdmin(['--export', 'csv', '--out', file]));
    const everything = await all(admin.client);
    const exported = everything.filter((e) => e.seq <= everything.at(-1)!.seq);
    expect(r.err).toMatch(/Exported \d+ events…/);
    expect(r.out).toMatch(/^Exported \d+ events to .*audit\.csv \(readable only by you\)\.\n$/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const [header, ...rows] = parseCsv(await readFile(file, 'utf8'));
    expect(header).toEqual([
      'seq',
      'occurredAt',
      'actorUserId',
      'actorAgencyId',
      'action',
      'targetType',
      'targetId',
      'outcome',
      'requestId',
      'sourceIp',
      'details',
      'prevHash',
      'hash',
      'actorEmail',
      'actorName',
      'actorAgencyName',
    ]);
    // Every event up to the moment of the export, field for field (the export's own sign-in is earlier).
    const back = rows.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
    expect(back.length).toBeGreaterThanOrEqual(exported.length);
    for (const [i, e] of exported.entries()) {
      const row = back[i];
      expect({
        seq: Number(row.seq),
        occurredAt: row.occurredAt,
        action: row.action,
        targetId: row.targetId || null,
        details: JSON.parse(row.details) as unknown,
        prevHash: row.prevHash,
        hash: row.hash,
      }).toEqual({
        seq: e.seq,
        occurredAt: e.occurredAt,
        action: e.action,
        targetId: e.targetId,
        details: e.details,
        prevHash: e.prevHash,
        hash: e.hash,
      });
    }
    // The would-be formula in a name is there, made inert; no cell starts a formula.
    const trick = back.find((row) => row.actorUserId === trickster.id)!;
    expect(trick.actorName).toBe(`'=HYPERLINK("http://evil.example")`);
    expect(back.find((row) => row.actorUserId === worker.id)!.actorAgencyName).toBe('Police');
    for (const cells of rows) for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@]/);

    // Never over an existing file unasked; --force replaces it, still readable only by you.
    await writeFile(file, 'keep me', { mode: 0o644 });
    const again = await asAdmin(['--export', 'csv', '--out', file]);
    expect(again.code).toBe(2);
    expect(again.err).toContain('already exists: choose another --out, or add --force to replace it.');
    expect(await readFile(file, 'utf8')).toBe('keep me');
    ok(await asAdmin(['--export', 'csv', '--out', file, '--force', '--action', 'agency.']));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(
      parseCsv(await readFile(file, 'utf8'))
        .slice(1)
        .map((c) => c[4]),
    ).toEqual(everything.filter((e) => e.action.startsWith('agency.')).map((e) => e.action));
  });

  it('exports to JSON: unfiltered it re-verifies as the whole chain; an agency admin’s holds only their trail', async () => {
    const file = path.join(dir, 'audit.json');
    ok(await asAdmin(['--export', 'json', '--out', file]));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const doc = JSON.parse(await readFile(file, 'utf8')) as {
      kind: string;
      filters: Record<string, unknown>;
      events: AuditEventView[];
      count: number;
    };
    expect(doc).toMatchObject({ kind: 'strongroom-audit-events', filters: {}, count: doc.events.length });
    expect(doc.events[0].seq).toBe(1);
    const check = await checkChain(doc.events);
    expect(check).toEqual({ last: { seq: doc.events.at(-1)!.seq, hash: doc.events.at(-1)!.hash }, firstBroken: null });
    // The check is real: one altered detail breaks it at that event.
    const altered = doc.events.map((e, i) => (i === 5 ? { ...e, details: { ...e.details, extra: 1 } } : e));
    expect((await checkChain(altered)).firstBroken).toEqual({ seq: doc.events[5].seq, reason: 'hash_mismatch' });

    const theirs = path.join(dir, 'police.json');
    ok(await asDpLead(['--export', 'json', '--out', theirs, '--action', 'agency.']));
    const police_ = JSON.parse(await readFile(theirs, 'utf8')) as { filters: unknown; events: AuditEventView[] };
    expect(police_.filters).toEqual({ action: 'agency.' });
    expect(seqs(police_.events)).toEqual(seqs(await all(dpLead.client, { action: 'agency.' })));
    expect(police_.events.every((e) => e.targetId === police)).toBe(true);

    // Usage mistakes are caught before anything is written.
    const noOut = await asAdmin(['--export', 'json']);
    expect(noOut).toMatchObject({ code: 2 });
    expect(noOut.err).toContain('--export needs --out <file>');
    const xml = await asAdmin(['--export', 'xml', '--out', path.join(dir, 'x.xml')]);
    expect(xml.err).toContain('--export is one of: csv, json.');
  });
});
