import { Column, Entity, PrimaryColumn } from 'typeorm';

export const MEMBER_ROLES = ['chair', 'member', 'observer'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

@Entity('channel_members')
export class ChannelMember {
  @PrimaryColumn('uuid') channelId: string;
  @PrimaryColumn('uuid') userId: string;
  @Column('text') role: MemberRole;
  @Column('timestamptz') joinedAt: Date;
  /** Need-to-know: this member fetches only messages after this sequence number (lowered by a history share). */
  @Column('bigint') visibleFromSeq: string;
  @Column('uuid', { nullable: true }) addedBy: string | null;
  /** Observers (auditors) show their end date to everyone in the channel. */
  @Column('timestamptz', { nullable: true }) endsAt: Date | null;
}
