import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { AgencySector } from '../../contracts/agencies.js';
import type { Role } from '../../contracts/identity.js';
import { AgenciesRepository } from '../agencies/agencies.repository.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import type { AppConfig } from '../config/config.schema.js';
import { newTotpSecret } from '../identity/totp.js';
import { UsersRepository } from '../identity/users.repository.js';
import { UsersService } from '../identity/users.service.js';
import { LocalitiesService } from '../localities/localities.service.js';

export interface DemoAccount {
  email: string;
  password: string;
  role: Role;
  agency: string;
  /** Base32 TOTP secret for roles that must use MFA: add it to an authenticator app. */
  totpSecret?: string;
}

interface DemoAgency {
  name: string;
  sector: AgencySector;
  deaS35Partner: boolean;
  /** The MASH hub ("Compass"): its `mash_worker` users receive and screen referrals. */
  mashHub?: boolean;
  signatory?: { name: string; title: string };
}

/** A county's Early Help partnership: five signed partners and one still to sign. */
const AGENCIES: DemoAgency[] = [
  {
    name: 'Northshire County Council Early Help and Compass MASH',
    sector: 'local_authority',
    deaS35Partner: true,
    mashHub: true,
    signatory: { name: 'Dana Whitfield', title: 'Director of Children’s Services' },
  },
  {
    name: 'Northshire Police',
    sector: 'police',
    deaS35Partner: false,
    signatory: { name: 'Ravi Okafor', title: 'Detective Superintendent, Public Protection' },
  },
  {
    name: 'Riverside Academy',
    sector: 'education',
    deaS35Partner: false,
    signatory: { name: 'Helen Marsh', title: 'Headteacher' },
  },
  {
    name: 'Northshire Community Health NHS Trust',
    sector: 'health',
    deaS35Partner: true,
    signatory: { name: 'Dr Amir Qureshi', title: 'Named Doctor for Safeguarding' },
  },
  {
    name: 'Lantern Family Support (charity)',
    sector: 'voluntary',
    deaS35Partner: false,
    signatory: { name: 'Sam Ellery', title: 'Chief Executive' },
  },
  { name: 'Eastbrook Housing Association', sector: 'housing', deaS35Partner: false },
];

const USERS: { email: string; name: string; role: Role; agency: number }[] = [
  { email: 'isa.admin@northshire.example', name: 'Priya Shah (ISA team)', role: 'isa_admin', agency: 0 },
  { email: 'mash.worker@northshire.example', name: 'Tom Reid (Compass MASH)', role: 'mash_worker', agency: 0 },
  { email: 'early.help@northshire.example', name: 'Grace Obi (Early Help)', role: 'practitioner', agency: 0 },
  { email: 'qa.auditor@northshire.example', name: 'Lena Novak (QA)', role: 'auditor', agency: 0 },
  { email: 'dp.lead@police.northshire.example', name: 'Mark Hale (Police DP lead)', role: 'agency_admin', agency: 1 },
  { email: 'pc.jones@police.northshire.example', name: 'PC Alys Jones', role: 'practitioner', agency: 1 },
  {
    email: 'dsl@riverside.example',
    name: 'Owen Price (Designated Safeguarding Lead)',
    role: 'practitioner',
    agency: 2,
  },
  {
    email: 'health.visitor@nhs.northshire.example',
    name: 'Nia Evans (Health Visitor)',
    role: 'practitioner',
    agency: 3,
  },
  { email: 'family.worker@lantern.example', name: 'Jo Bright (Family Worker)', role: 'practitioner', agency: 4 },
  { email: 'officer@eastbrook.example', name: 'Chris Lowe (Eastbrook, not signed)', role: 'practitioner', agency: 5 },
];

const credentialsFile = (config: AppConfig) => path.join(config.DATA_DIR, 'demo-credentials.json');
const demoPassword = () => `demo-${randomBytes(9).toString('base64url')}`;

/**
 * Seeds the demo partnership on an empty database, through the same services the API uses. The
 * generated passwords are written to DATA_DIR/demo-credentials.json (mode 0600) and printed at start.
 */
export async function seedDemoIfEmpty(app: INestApplication, config: AppConfig): Promise<DemoAccount[] | null> {
  const db = app.get<DataSource>(getDataSourceToken());
  if (await app.get(AgenciesRepository).anyAgency(db.manager)) return null;
  const agencies = app.get(AgenciesService);
  const users = app.get(UsersService);

  await agencies.publishAgreement(null, {
    label: '10.0',
    publishedOn: '2020-04-01',
    textRef: 'Strengthening Families through Early Help Information Sharing Agreement, version 10 (April 2020)',
  });
  const ids: string[] = [];
  for (const a of AGENCIES) {
    const created = await agencies.register(null, {
      name: a.name,
      sector: a.sector,
      deaS35Partner: a.deaS35Partner,
      mashHub: a.mashHub ?? false,
    });
    ids.push(created.id);
    if (a.signatory) {
      await agencies.sign(null, created.id, {
        signatoryName: a.signatory.name,
        signatoryTitle: a.signatory.title,
        signedOn: '2020-05-01',
      });
    }
  }
  // The county's Early Help localities, each with its Locality Meeting: families are placed in one, and the
  // programme report counts by them.
  for (const name of ['North', 'Central', 'South']) await app.get(LocalitiesService).add(null, { name });
  const accounts: DemoAccount[] = [];
  for (const u of USERS) {
    const { user, invitation } = await users.create(null, {
      agencyId: ids[u.agency],
      email: u.email,
      displayName: u.name,
      role: u.role,
    });
    const password = demoPassword();
    await users.acceptInvitation(
      { token: invitation.token, password },
      { requestId: 'demo-seed', ip: null, userAgent: null },
    );
    const account: DemoAccount = { email: u.email, password, role: u.role, agency: AGENCIES[u.agency].name };
    if (config.MFA_REQUIRED_ROLES.includes(u.role)) {
      // Demo only: pre-enrol MFA so the walkthrough needs just an authenticator (or `oathtool --totp -b`).
      account.totpSecret = newTotpSecret();
      await app
        .get(UsersRepository)
        .update(db.manager, user.id, { mfaSecret: account.totpSecret, mfaEnabledAt: new Date() });
    }
    accounts.push(account);
  }
  await mkdir(config.DATA_DIR, { recursive: true });
  await writeFile(credentialsFile(config), JSON.stringify(accounts, null, 2) + '\n', { mode: 0o600 });
  return accounts;
}

export async function printDemoCredentials(config: AppConfig, url: string): Promise<void> {
  const file = credentialsFile(config);
  if (!existsSync(file)) return;
  const accounts = JSON.parse(await readFile(file, 'utf8')) as DemoAccount[];
  const lines = accounts.map(
    (a) =>
      `  ${a.role.padEnd(13)} ${a.email.padEnd(40)} ${a.password}${a.totpSecret ? `  TOTP secret ${a.totpSecret}` : ''}`,
  );
  process.stdout.write(
    [
      '',
      'Demo partnership (Northshire Early Help ISA v10.0). Demo logins — development only:',
      ...lines,
      `  (saved in ${file}; the Eastbrook account shows what an unsigned agency sees)`,
      `Open ${url} in a browser and sign in as early.help@northshire.example,`,
      `or from this checkout: npx strongroom login --server ${url} --email early.help@northshire.example`,
      '',
    ].join('\n'),
  );
}
