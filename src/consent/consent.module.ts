import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module.js';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { ConsentRegisterService } from './consent-register.service.js';
import { ConsentController } from './consent.controller.js';
import { ConsentRepository } from './consent.repository.js';
import { ConsentService } from './consent.service.js';
import { LawfulBasesService } from './lawful-bases.service.js';
import { ConsentSharingPolicy } from './sharing-policy.service.js';
import { RetentionSchedulesModule } from '../retention-schedules/retention-schedules.module.js';

@Module({
  imports: [AgenciesModule, AuditModule, ChannelsModule, FamiliesModule, IdentityModule, RetentionSchedulesModule],
  providers: [ConsentRepository, ConsentSharingPolicy, ConsentRegisterService, ConsentService, LawfulBasesService],
  controllers: [ConsentController],
  // Information requests about a family record their decisions in the family's register.
  exports: [ConsentSharingPolicy],
})
export class ConsentModule {}
