import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ChannelSummary, ChannelView } from '../../contracts/channels.js';
import { Clock } from '../common/clock.js';
import { sealedView } from '../common/sealed.js';
import type { AuthContext } from '../identity/auth-context.js';
import { ChannelAccessService } from './channel-access.service.js';
import { ChannelEpochsService } from './channel-epochs.service.js';
import { ChannelListReadModel } from './channel-list.read-model.js';
import { ChannelMembersReadModel } from './channel-members.read-model.js';
import { ChannelsRepository } from './channels.repository.js';

/** What a member sees of their channels: the list, and one channel with its members and their devices. */
@Injectable()
export class ChannelViewsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly repo: ChannelsRepository,
    private readonly channelList: ChannelListReadModel,
    private readonly members: ChannelMembersReadModel,
    private readonly access: ChannelAccessService,
    private readonly epochs: ChannelEpochsService,
  ) {}

  /** Every channel of the caller's, newest first, with unread counts: one query however many there are. */
  list(auth: AuthContext): Promise<ChannelSummary[]> {
    return this.channelList.summaries(this.db.manager, auth.user.id, this.clock.now());
  }

  async show(auth: AuthContext, channelId: string): Promise<ChannelView> {
    const m = this.db.manager;
    await this.access.membership(m, channelId, auth.user.id);
    const channel = await this.repo.get(m, channelId);
    // The same count as the list's. A membership removed since the check above reads as nothing unread.
    const [read] = await this.channelList.summaries(m, auth.user.id, this.clock.now(), channelId);
    const due = this.epochs.rotationDue(channel);
    const members = await this.members.members(m, channelId);
    const devices = await this.epochs.memberDevices(m, channelId);
    return {
      id: channel.id,
      kind: channel.kind,
      owningAgencyId: channel.owningAgencyId,
      retentionDays: channel.retentionDays,
      currentEpoch: channel.currentEpoch,
      epochOpenedAt: channel.epochOpenedAt?.toISOString() ?? null,
      rotationRequired: due !== null,
      rotationReason: due,
      lastSeq: Number(channel.lastSeq),
      readSeq: read?.readSeq ?? Number(channel.lastSeq),
      unreadCount: read?.unreadCount ?? 0,
      title: sealedView(channel.titleCiphertext, channel.titleEpoch),
      createdAt: channel.createdAt.toISOString(),
      // Why new content is limited to some agencies (a family's consent withdrawn), or null.
      sharingRestriction: await this.access.sharingRestriction(m, channelId),
      members: members.map((mm) => ({
        userId: mm.userId,
        displayName: mm.displayName,
        agencyId: mm.agencyId,
        agencyName: mm.agencyName,
        role: mm.role,
        joinedAt: mm.joinedAt.toISOString(),
        endsAt: mm.endsAt?.toISOString() ?? null,
        devices: devices.filter((d) => d.userId === mm.userId),
      })),
      formerMembers: await this.members.formerMembers(m, channelId),
    };
  }
}
