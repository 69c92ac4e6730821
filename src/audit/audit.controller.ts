import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  auditEventsQuery,
  auditEventView,
  auditVerifyReport,
  type AuditEventsQuery,
  type AuditEventView,
  type AuditVerifyReport,
} from '../../contracts/audit.js';
import { forbidden } from '../common/app-error.js';
import { ApiDoc, ApiZodQuery, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext, Roles } from '../identity/auth-context.js';
import { AuditService } from './audit.service.js';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Recomputes the whole hash chain and reports the first broken link. */
  @Get('verify')
  @ApiDoc('Recompute the whole hash chain and report the first broken link', auditVerifyReport)
  @Roles('isa_admin', 'auditor')
  verify(): Promise<AuditVerifyReport> {
    return this.audit.verify();
  }

  /**
   * Events oldest first, with their hashes, so a verifier outside the server can recompute the chain.
   * Agency admins see only their own agency's events (the chain cannot be checked from a filtered view).
   */
  @Get('events')
  @ApiDoc('Audit events oldest first, with their hashes', z.array(auditEventView))
  @Roles('isa_admin', 'auditor', 'agency_admin')
  @ApiZodQuery(auditEventsQuery)
  async events(
    @Auth() auth: AuthContext,
    @Query(zodPipe(auditEventsQuery)) q: AuditEventsQuery,
  ): Promise<AuditEventView[]> {
    let agencyId = q.agencyId;
    if (auth.user.role === 'agency_admin') {
      if (agencyId && agencyId !== auth.user.agencyId)
        throw forbidden('other_agency', "You can only read your own agency's audit trail.");
      agencyId = auth.user.agencyId;
    }
    return this.audit.list({ agencyId, afterSeq: q.afterSeq, limit: q.limit });
  }
}
