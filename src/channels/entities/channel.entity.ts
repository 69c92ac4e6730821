import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ChannelKind } from '../../../contracts/channels.js';

/** An end-to-end encrypted space. The server knows its kind, members and epochs; never its title or content. */
@Entity('channels')
export class Channel {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') kind: ChannelKind;
  @Column('uuid') owningAgencyId: string;
  @Column('uuid') createdBy: string;
  @Column('integer') retentionDays: number;
  /** Title encrypted under the key of `titleEpoch` (nonce ‖ ciphertext); carried forward at each rotation. */
  @Column('bytea', { nullable: true }) titleCiphertext: Buffer | null;
  @Column('integer', { nullable: true }) titleEpoch: number | null;
  @Column('integer') currentEpoch: number;
  @Column('timestamptz', { nullable: true }) epochOpenedAt: Date | null;
  @Column('integer') epochMessageCount: number;
  @Column('boolean') rotationRequired: boolean;
  @Column('text', { nullable: true }) rotationReason: string | null;
  /** Highest sequence number given out; bigint arrives from pg as a string. */
  @Column('bigint') lastSeq: string;
  @Column('text', { nullable: true }) directPair: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
