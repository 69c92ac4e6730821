import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { StrongroomClient } from '../client/sdk/index.js';
import { runBootstrap } from '../src/bootstrap.js';
import { createDatabase, FakeClock, startInstance } from './support/test-app.js';

const ARGS = [
  '--admin-email',
  'isa.admin@northshire.gov.uk',
  '--admin-name',
  'Priya Shah',
  '--agency',
  'Northshire County Council',
  '--agreement',
  '10.0',
  '--published-on',
  '2020-04-01',
  '--agreement-text',
  'https://northshire.gov.uk/early-help/isa-v10.pdf',
  '--signed-by',
  'Dana Whitfield',
  '--signatory-title',
  'Director of Children’s Services',
  '--signed-on',
  '2020-05-01',
];

/**
 * `npm run bootstrap`: the first ISA administrator, the agreement and the hub agency on an empty
 * production database, through the real program against a real PostgreSQL; refused the second time and
 * when two run at once; bad input refused before anything is written.
 */
describe('bootstrap: a new partnership on an empty production database', () => {
  const dropped: (() => Promise<void>)[] = [];
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'strongroom-bootstrap-'));
  });
  afterAll(async () => {
    for (const drop of dropped) await drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const database = async () => {
    const db = await createDatabase();
    dropped.push(db.drop);
    return db.url;
  };
  const run = async (url: string, argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runBootstrap(
      argv,
      { DATABASE_URL: url, NODE_ENV: 'production', DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      { out: (t) => (out += t), err: (t) => (err += t) },
    );
    return { code, out, err };
  };
  const query = async (url: string, text: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(text)).rows as Record<string, unknown>[];
    } finally {
      await c.end();
    }
  };
  const counts = (url: string) =>
    query(
      url,
      `SELECT (SELECT count(*) FROM agencies)::int AS agencies, (SELECT count(*) FROM users)::int AS users,
              (SELECT count(*) FROM agreement_versions)::int AS agreements`,
    );

  it('creates the agreement, the signed hub agency and an administrator who accepts the invitation; once only', async () => {
    const url = await database();
    const first = await run(url, ARGS);
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toContain(
      'Agreement 10.0, published 2020-04-01: https://northshire.gov.uk/early-help/isa-v10.pdf',
    );
    expect(first.out).toContain('Northshire County Council: the MASH hub, signed');
    const token = /Invitation code for Priya Shah, shown only now[^\n]*\n\n {2}(\S+)\n/.exec(first.out)?.[1];
    expect(token).toBeDefined();

    expect(await query(url, `SELECT name, is_mash_hub, status FROM agencies`)).toEqual([
      { name: 'Northshire County Council', is_mash_hub: true, status: 'signed' },
    ]);
    expect(await query(url, `SELECT email, role, status FROM users`)).toEqual([
      { email: 'isa.admin@northshire.gov.uk', role: 'isa_admin', status: 'invited' },
    ]);
    const audited = await query(url, `SELECT action, actor_user_id FROM audit_events ORDER BY seq`);
    expect(audited.map((e) => e.action)).toEqual([
      'agreement.published',
      'agency.registered',
      'agency.signed',
      'user.created',
      'system.bootstrapped',
    ]);

    // The server, in production, takes the invitation: the administrator sets a password.
    const { app, baseUrl } = await startInstance(url, new FakeClock(), { NODE_ENV: 'production' });
    try {
      const accepted = await new StrongroomClient(baseUrl).acceptInvitation(token!, 'a long and private passphrase 7');
      expect(accepted.user).toMatchObject({
        email: 'isa.admin@northshire.gov.uk',
        role: 'isa_admin',
        status: 'active',
      });
    } finally {
      await app.close();
    }

    // Once only: a second bootstrap mints no second administrator.
    const again = await run(
      url,
      ARGS.map((a) => (a === 'isa.admin@northshire.gov.uk' ? 'intruder@example.org' : a)),
    );
    expect(again.code).toBe(1);
    expect(again.err).toContain('Nothing was changed. This database is already set up');
    expect(again.out).not.toContain('Invitation code');
    expect(await counts(url)).toEqual([{ agencies: 1, users: 1, agreements: 1 }]);
  });

  it('lets only one of two bootstraps run at once succeed', async () => {
    const url = await database();
    const both = await Promise.all([run(url, ARGS), run(url, ARGS)]);
    expect(both.map((r) => r.code).sort()).toEqual([0, 1]);
    // The second waited for the first and was refused whole, not part-way through.
    expect(both.find((r) => r.code === 1)!.err).toContain('Nothing was changed. This database is already set up');
    expect(await counts(url)).toEqual([{ agencies: 1, users: 1, agreements: 1 }]);
  });

  it('refuses bad input before anything is written', async () => {
    const url = await database();
    const cases: [string[], number, string][] = [
      [ARGS.filter((_, i) => i > 1), 2, "required option '--admin-email <email>' not specified"],
      [[...ARGS, '--sector', 'bakery'], 2, '--sector must be one of: local_authority'],
      [ARGS.map((a) => (a === '2020-04-01' ? '2999-01-01' : a)), 1, 'publication date is in the future'],
      [ARGS.map((a) => (a === '2020-05-01' ? '2019-01-01' : a)), 1, 'cannot have signed before the agreement'],
      [ARGS.map((a) => (a === 'isa.admin@northshire.gov.uk' ? 'not an address' : a)), 1, 'admin.email'],
      [ARGS.filter((a) => a !== '--signatory-title' && a !== 'Director of Children’s Services'), 2, 'together'],
    ];
    for (const [argv, code, said] of cases) {
      const r = await run(url, argv);
      expect({ code: r.code, said: r.err.includes(said) ? said : r.err }).toEqual({ code, said });
    }
    expect(await counts(url)).toEqual([{ agencies: 0, users: 0, agreements: 0 }]);
  });
});
