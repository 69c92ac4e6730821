import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { RetentionSchedulesModule } from '../retention-schedules/retention-schedules.module.js';
import { ChannelAccessService } from './channel-access.service.js';
import { ChannelEpochsService } from './channel-epochs.service.js';
import { ChannelListReadModel } from './channel-list.read-model.js';
import { ChannelMembersReadModel } from './channel-members.read-model.js';
import { RecordEpochsReadModel } from './record-epochs.read-model.js';
import { ChannelMembershipService } from './channel-membership.service.js';
import { ChannelReadsService } from './channel-reads.service.js';
import { ChannelViewsService } from './channel-views.service.js';
import { ChannelsController } from './channels.controller.js';
import { ChannelsRepository } from './channels.repository.js';
import { ChannelsService } from './channels.service.js';
import { MembershipEnds } from './membership-ends.js';

@Module({
  imports: [AuditModule, IdentityModule, AgenciesModule, RetentionSchedulesModule],
  providers: [
    ChannelsRepository,
    ChannelMembersReadModel,
    ChannelListReadModel,
    RecordEpochsReadModel,
    ChannelAccessService,
    ChannelEpochsService,
    ChannelViewsService,
    ChannelReadsService,
    ChannelMembershipService,
    ChannelsService,
    MembershipEnds,
  ],
  controllers: [ChannelsController],
  exports: [ChannelsService, ChannelsRepository, ChannelAccessService],
})
export class ChannelsModule {}
