import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AuditOutcome } from '../../../contracts/audit.js';

const bigintNumber = { to: (v: number) => v, from: (v: string) => Number(v) };

/** One link of the append-only, hash-chained audit log. Never content, never personal details. */
@Entity('audit_events')
export class AuditEvent {
  @PrimaryColumn('bigint', { transformer: bigintNumber }) seq: number;
  @Column('timestamptz') occurredAt: Date;
  @Column('uuid', { nullable: true }) actorUserId: string | null;
  @Column('uuid', { nullable: true }) actorAgencyId: string | null;
  @Column('text') action: string;
  @Column('text', { nullable: true }) targetType: string | null;
  @Column('text', { nullable: true }) targetId: string | null;
  @Column('text') outcome: AuditOutcome;
  @Column('text', { nullable: true }) requestId: string | null;
  @Column('text', { nullable: true }) sourceIp: string | null;
  @Column('jsonb') details: Record<string, unknown>;
  @Column('text') prevHash: string;
  @Column('text') hash: string;
}
