import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MemberRole } from '../../../contracts/channels.js';

@Entity('channel_members')
export class ChannelMember {
  @PrimaryColumn('uuid') channelId: string;
  @PrimaryColumn('uuid') userId: string;
  @Column('text') role: MemberRole;
  @Column('timestamptz') joinedAt: Date;
  /** Need-to-know: this member fetches only messages after this sequence number (lowered by a history share). */
  @Column('bigint') visibleFromSeq: string;
  /** The highest sequence number this person has marked read (forward only); starts where they joined. */
  @Column('bigint') readSeq: string;
  @Column('uuid', { nullable: true }) addedBy: string | null;
  /** Observers (auditors) show their end date to everyone in the channel. */
  @Column('timestamptz', { nullable: true }) endsAt: Date | null;
}
