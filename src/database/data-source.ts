import { DataSource, type DataSourceOptions } from 'typeorm';
import { AgencySignature } from '../agencies/entities/agency-signature.entity.js';
import { Agency } from '../agencies/entities/agency.entity.js';
import { AgreementVersion } from '../agencies/entities/agreement-version.entity.js';
import { AuditEvent } from '../audit/entities/audit-event.entity.js';
import { ChannelEpoch } from '../channels/entities/channel-epoch.entity.js';
import { ChannelMember } from '../channels/entities/channel-member.entity.js';
import { Channel } from '../channels/entities/channel.entity.js';
import { KeyEnvelope } from '../channels/entities/key-envelope.entity.js';
import { Attestation } from '../identity/entities/attestation.entity.js';
import { Device } from '../identity/entities/device.entity.js';
import { Invitation } from '../identity/entities/invitation.entity.js';
import { PasswordReset } from '../identity/entities/password-reset.entity.js';
import { RecoveryCode } from '../identity/entities/recovery-code.entity.js';
import { Session } from '../identity/entities/session.entity.js';
import { User } from '../identity/entities/user.entity.js';
import { Message } from '../messages/entities/message.entity.js';
import { migrations } from './migrations/index.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

export const entities = [
  AgreementVersion,
  Agency,
  AgencySignature,
  User,
  Invitation,
  PasswordReset,
  RecoveryCode,
  Session,
  Attestation,
  Device,
  AuditEvent,
  Channel,
  ChannelMember,
  ChannelEpoch,
  KeyEnvelope,
  Message,
];

/**
 * How long a request waits for a pooled connection (all busy, or the database not answering) before it
 * is answered `503 service_unavailable`, rather than hanging until the operating system gives up.
 */
export const DATABASE_CONNECT_TIMEOUT_MS = 10_000;

export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: { max: 20, application_name: 'strongroom', connectionTimeoutMillis: DATABASE_CONNECT_TIMEOUT_MS },
  };
}

/** Key for the advisory lock that serialises migrations when several instances start together. */
const MIGRATION_LOCK = 7_301_000;

/** Applies pending migrations under an advisory lock; returns the names applied. */
export async function runMigrations(url: string): Promise<string[]> {
  // Two connections: one holds the advisory lock while TypeORM runs the migrations on the other.
  const ds = new DataSource({ ...dataSourceOptions(url), extra: { max: 2 } });
  await ds.initialize();
  try {
    const runner = ds.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      const applied = await ds.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await runner.release();
    }
  } finally {
    await ds.destroy();
  }
}
