import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The data-access rule of docs/ARCHITECTURE.md, checked on the source: SQL and TypeORM data calls only
 * in `*.repository.ts` and named `*.read-model.ts` files; a repository touches only its own module's
 * tables. Adding a table means adding it to `OWNERS`; a new module's repositories then pass.
 */
const ROOT = path.join(__dirname, '..', 'src');

const OWNERS: Record<string, string[]> = {
  identity: [
    'users',
    'sessions',
    'devices',
    'invitations',
    'password_resets',
    'recovery_codes',
    'attestations',
    'sign_in_throttles',
  ],
  agencies: ['agencies', 'agency_signatures', 'agreement_versions'],
  audit: ['audit_events', 'audit_heads'],
  channels: ['channels', 'channel_members', 'channel_former_members', 'channel_epochs', 'key_envelopes'],
  messages: ['messages'],
  families: [
    'families',
    'family_members',
    'family_lead_changes',
    'family_ref_counters',
    'family_plan_versions',
    'family_plan_progress',
    'family_plan_reviews',
  ],
  consent: ['consent_records', 'fair_processing_notices', 'lawful_bases', 'sharing_decisions'],
  meetings: [
    'meetings',
    'meeting_invitations',
    'meeting_entries',
    'meeting_family_attendance',
    'minutes_versions',
    'minutes_amendments',
  ],
  actions: ['actions', 'action_updates'],
  referrals: [
    'referrals',
    'referral_ref_counters',
    'referral_subjects',
    'referral_ratings',
    'referral_shares',
    'referral_events',
  ],
  attachments: ['attachments', 'attachment_chunks'],
  'information-requests': ['information_requests'],
  retention: ['legal_holds', 'disposal_records'],
  'access-grants': ['audit_grants'],
  'subject-access': ['subject_access_requests', 'subject_access_subjects', 'subject_access_consultations'],
  notifications: ['notifications'],
  'retention-schedules': ['retention_schedules', 'retention_dates'],
  localities: ['localities'],
  common: ['rate_limit_hits'],
};
const TABLES = new Map(Object.entries(OWNERS).flatMap(([module, tables]) => tables.map((t) => [t, module])));

/** Places that are data access by nature: the database layer and the two SQL helpers repositories call. */
const INFRASTRUCTURE = ['database/', 'common/sql.ts', 'common/versions.ts', 'common/hydrate.ts'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.spec.ts') ? [p] : [];
  });
}

const files = sources(ROOT).map((p) => ({
  rel: path.relative(ROOT, p).split(path.sep).join('/'),
  text: readFileSync(p, 'utf8'),
}));
const isDataFile = (rel: string) => /\.(repository|read-model)\.ts$/.test(rel);
// A repository may name a method after a helper (`this.minutes.nextVersion(…)`): only bare calls count.
const DATA_CALL = /\.(query|createQueryBuilder|getRepository)\s*[<(]|(?<![.\w])(returningRows|nextVersion)\s*[<(]/;

/** Tables a piece of SQL names after FROM, JOIN, INTO, UPDATE or DELETE FROM. */
function tablesIn(text: string): string[] {
  const found = new Set<string>();
  for (const m of text.matchAll(/\b(?:FROM|JOIN|INTO|UPDATE)\s+([a-z_]+)\b/g)) if (TABLES.has(m[1])) found.add(m[1]);
  return [...found];
}

describe('data access (docs/ARCHITECTURE.md)', () => {
  it('runs SQL and TypeORM data calls only in repositories and named read models', () => {
    const offenders = files
      .filter((f) => !isDataFile(f.rel) && !INFRASTRUCTURE.some((i) => f.rel.startsWith(i)))
      .filter((f) => DATA_CALL.test(f.text))
      .map((f) => f.rel);
    expect(offenders).toEqual([]);
  });

  it('lets a repository touch only its own module’s tables and entities', () => {
    const trespass: string[] = [];
    for (const f of files.filter((x) => x.rel.endsWith('.repository.ts'))) {
      const module = f.rel.split('/')[0];
      for (const table of tablesIn(f.text)) {
        if (TABLES.get(table) !== module) trespass.push(`${f.rel} → ${table} (owned by ${TABLES.get(table)})`);
      }
      for (const m of f.text.matchAll(/from '\.\.\/([a-z-]+)\/entities\//g)) {
        if (m[1] !== module) trespass.push(`${f.rel} → ${m[1]} entities`);
      }
    }
    expect(trespass).toEqual([]);
  });

  it('names every table it guards, so a table nobody owns cannot slip past', () => {
    const migrations = files
      .filter((f) => f.rel.startsWith('database/migrations/'))
      .map((f) => f.text)
      .join('\n');
    const created = [...migrations.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)/g)].map((m) => m[1]);
    // socket.io's PostgreSQL adapter owns its own table; it is infrastructure, not a module's data.
    const unowned = created.filter((t) => !TABLES.has(t) && t !== 'socket_io_attachments');
    expect(unowned).toEqual([]);
  });
});
