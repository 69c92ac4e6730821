import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ChannelSummary, ChannelView } from '../../contracts/channels.js';
import { sealedView } from '../common/sealed.js';
import type { AuthContext } from '../identity/auth-context.js';
import { ChannelAccessService } from './channel-access.service.js';
import { ChannelEpochsService } from './channel-epochs.service.js';
import { ChannelMembersReadModel } from './channel-members.read-model.js';
import { ChannelsRepository } from './channels.repository.js';

/** What a member sees of their channels: the list, and one channel with its members and their devices. */
@Injectable()
export class ChannelViewsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: ChannelsRepository,
    private readonly members: ChannelMembersReadModel,
    private readonly access: ChannelAccessService,
    private readonly epochs: ChannelEpochsService,
  ) {}

  list(auth: AuthContext): Promise<ChannelSummary[]> {
    return this.repo.listForUser(this.db.manager, auth.user.id);
  }

  async show(auth: AuthContext, channelId: string): Promise<ChannelView> {
    const m = this.db.manager;
    await this.access.membership(m, channelId, auth.user.id);
    const channel = await this.repo.get(m, channelId);
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
