import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { ConsentModule } from '../consent/consent.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { InformationRequestsModule } from '../information-requests/information-requests.module.js';
import { RetentionSchedulesModule } from '../retention-schedules/retention-schedules.module.js';
import { ReferralRemindersService } from './referral-reminders.service.js';
import { ReferralSubject } from './referral-subject.js';
import { ReferralSharingPolicy } from './referral-sharing.policy.js';
import { ReferralsController } from './referrals.controller.js';
import { ReferralsRepository } from './referrals.repository.js';
import { ReferralsService } from './referrals.service.js';

/** The MASH hub (ISA 3.3.13): referrals, screening, sharing, decisions, reminders. */
@Module({
  imports: [
    AgenciesModule,
    AuditModule,
    ChannelsModule,
    ConsentModule,
    FamiliesModule,
    IdentityModule,
    InformationRequestsModule,
    RetentionSchedulesModule,
  ],
  providers: [ReferralsRepository, ReferralsService, ReferralSharingPolicy, ReferralRemindersService, ReferralSubject],
  controllers: [ReferralsController],
  exports: [ReferralsService],
})
export class ReferralsModule {}
