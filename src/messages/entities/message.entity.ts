import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A message as the server holds it: ciphertext, the header fields in clear, and its place in the channel.
 * Its key begins with its channel, the table's distribution key (docs/capacity.md): every query names it.
 */
@Entity('messages')
export class Message {
  @PrimaryColumn('uuid') channelId: string;
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('bigint') seq: string;
  @Column('integer') epoch: number;
  @Column('uuid') senderUserId: string;
  @Column('uuid') senderDeviceId: string;
  @Column('uuid') clientMessageId: string;
  @Column('bytea', { nullable: true }) nonce: Buffer | null;
  @Column('bytea', { nullable: true }) ciphertext: Buffer | null;
  @Column('bytea', { nullable: true }) signature: Buffer | null;
  /** Header v2, signed by the sender: its device's counter in the channel, chain link and clock. */
  @Column('integer', { nullable: true }) n: number | null;
  @Column('bytea', { nullable: true }) prev: Buffer | null;
  @Column('timestamptz', { nullable: true }) sentAt: Date | null;
  /** Signed too: the latest message from another device the sender had seen (its sequence number, chain link). */
  @Column('bigint', { nullable: true }) seenSeq: string | null;
  @Column('bytea', { nullable: true }) seenLink: Buffer | null;
  @Column('timestamptz') createdAt: Date;
  /** Set by the server from the channel's retention at write time; no client can move it. */
  @Column('timestamptz') expiresAt: Date;
  /** A tombstone: the sender deleted it; the ciphertext is gone, the sequence number stays. */
  @Column('timestamptz', { nullable: true }) deletedAt: Date | null;
}
