import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One key epoch: who opened it, exactly which devices got the key, and the opener's signature over that. */
@Entity('channel_epochs')
export class ChannelEpoch {
  @PrimaryColumn('uuid') channelId: string;
  @PrimaryColumn('integer') epoch: number;
  @Column('uuid') openerDeviceId: string;
  @Column('uuid', { array: true }) recipientDeviceIds: string[];
  @Column('bytea') signature: Buffer;
  /** The opener's commitment to the epoch key (protocol v2), covered by the signature. */
  @Column('bytea') commitment: Buffer;
  /** Member devices the opener's client refused (and did not send the key to), covered by the signature. */
  @Column('uuid', { array: true }) withheldDeviceIds: string[];
  @Column('timestamptz') openedAt: Date;
  /** The first sequence number sent in this epoch (the channel's last_seq + 1 when it opened). */
  @Column('bigint') firstSeq: string;
}
