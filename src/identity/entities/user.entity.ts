import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Role, UserStatus } from '../../../contracts/identity.js';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') agencyId: string;
  @Column('text') email: string;
  @Column('text') displayName: string;
  @Column('text') role: Role;
  @Column('text') status: UserStatus;
  @Column('text', { nullable: true }) passwordHash: string | null;
  /** Base32 TOTP secret. Server-side by nature of TOTP; never returned after enrolment. */
  @Column('text', { nullable: true }) mfaSecret: string | null;
  @Column('text', { nullable: true }) mfaPendingSecret: string | null;
  @Column('timestamptz', { nullable: true }) mfaEnabledAt: Date | null;
  /** Last accepted TOTP time step: a code is accepted once (no replay within its window). */
  @Column('bigint', {
    nullable: true,
    transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) },
  })
  mfaLastTimeStep: number | null;
  /** The person's Ed25519 identity key (protocol v2): it signs each of their devices. Public half only. */
  @Column('bytea', { nullable: true }) identityPublicKey: Buffer | null;
  @Column('timestamptz', { nullable: true }) identityPublishedAt: Date | null;
  @Column('uuid', { nullable: true }) createdBy: string | null;
  @Column('timestamptz', { nullable: true }) disabledAt: Date | null;
  @Column('text', { nullable: true }) disabledReason: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
