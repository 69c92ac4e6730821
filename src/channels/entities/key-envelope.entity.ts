import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An epoch key sealed to one device (`crypto_box_seal`); the server cannot open it. */
@Entity('key_envelopes')
export class KeyEnvelope {
  @PrimaryColumn('uuid') channelId: string;
  @PrimaryColumn('integer') epoch: number;
  @PrimaryColumn('uuid') deviceId: string;
  @Column('bytea') sealed: Buffer;
  /** Set when a member shared an older epoch with this device (history share), not when the epoch opened. */
  @Column('uuid', { nullable: true }) sharedByDeviceId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
