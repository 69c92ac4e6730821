import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { SubjectAccessController } from './subject-access.controller.js';
import { SubjectAccessRepository } from './subject-access.repository.js';
import { SubjectAccessService } from './subject-access.service.js';

/** The subject-access register (ISA 10): requests from the public, their deadlines and consultation tasks. */
@Module({
  imports: [AuditModule, AgenciesModule, FamiliesModule, IdentityModule],
  providers: [SubjectAccessRepository, SubjectAccessService],
  controllers: [SubjectAccessController],
})
export class SubjectAccessModule {}
