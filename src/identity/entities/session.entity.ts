import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { SessionStage } from '../../../contracts/identity.js';

@Entity('sessions')
export class Session {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') userId: string;
  /** SHA-256 of the bearer token; the token itself is never stored. */
  @Column('bytea') tokenHash: Buffer;
  @Column('text') stage: SessionStage;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @Column('timestamptz') lastSeenAt: Date;
  @Column('timestamptz') idleExpiresAt: Date;
  @Column('timestamptz') absoluteExpiresAt: Date;
  /** When the password (and second factor) were last entered for this session: at sign-in or a step-up. */
  @Column('timestamptz', { nullable: true }) steppedUpAt: Date | null;
  @Column('timestamptz', { nullable: true }) revokedAt: Date | null;
  @Column('text', { nullable: true }) revokedReason: string | null;
  @Column('text', { nullable: true }) ip: string | null;
  @Column('text', { nullable: true }) userAgent: string | null;
}
