import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { ConsentModule } from '../consent/consent.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { RetentionSchedulesModule } from '../retention-schedules/retention-schedules.module.js';
import { FamilySubject } from './family-subject.js';
import { InformationRequestOverdueService } from './information-request-overdue.service.js';
import { InformationRequestSubjects } from './information-request-subjects.js';
import { InformationRequestViews } from './information-request-views.service.js';
import { InformationRequestsController } from './information-requests.controller.js';
import { InformationRequestsRepository } from './information-requests.repository.js';
import { InformationRequestsService } from './information-requests.service.js';

/**
 * Information requests between agencies. Its subjects are pluggable: `InformationRequestSubjects` is
 * exported so the module that owns a kind of subject (the MASH hub's referrals) registers its provider.
 */
@Module({
  imports: [
    AgenciesModule,
    AuditModule,
    ChannelsModule,
    ConsentModule,
    FamiliesModule,
    IdentityModule,
    RetentionSchedulesModule,
  ],
  providers: [
    InformationRequestsRepository,
    InformationRequestSubjects,
    FamilySubject,
    InformationRequestViews,
    InformationRequestsService,
    InformationRequestOverdueService,
  ],
  controllers: [InformationRequestsController],
  exports: [InformationRequestSubjects, InformationRequestsService],
})
export class InformationRequestsModule {}
