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
import type { AuditScope } from './audit-events.read-model.js';
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
   * Events with their hashes, oldest first (or newest first with `order=newest`), so a verifier outside
   * the server can recompute the chain. Filters (`actorUserId`, `agencyId` = the actor's agency, `action`
   * exact or a prefix ending in a dot, `targetType`, `targetId`, `from` inclusive, `to` exclusive,
   * `outcome`) only ever narrow what the reader may see:
   *
   * - ISA admins and auditors see every event.
   * - An agency admin (the agency's data-protection lead) sees events whose actor belongs to their
   *   agency, events about their agency (target `agency` with its id), and events about one of its
   *   people (target `user` whose account is in their agency). Naming another agency in `agencyId` is
   *   refused (403 `other_agency`); another filter naming someone else's id just finds nothing more than
   *   this scope holds. A filtered or agency view has gaps, so only the whole unfiltered log re-verifies.
   * - Everyone else is refused by role.
   */
  @Get('events')
  @ApiDoc('Audit events with their hashes, filtered to what the reader may see', z.array(auditEventView))
  @Roles('isa_admin', 'auditor', 'agency_admin')
  @ApiZodQuery(auditEventsQuery)
  async events(
    @Auth() auth: AuthContext,
    @Query(zodPipe(auditEventsQuery)) q: AuditEventsQuery,
  ): Promise<AuditEventView[]> {
    let scope: AuditScope = { kind: 'all' };
    if (auth.user.role === 'agency_admin') {
      if (q.agencyId && q.agencyId !== auth.user.agencyId)
        throw forbidden('other_agency', "You can only read your own agency's audit trail.");
      scope = { kind: 'agency', agencyId: auth.user.agencyId };
    }
    return this.audit.list(
      scope,
      {
        actorUserId: q.actorUserId,
        agencyId: q.agencyId,
        action: q.action,
        targetType: q.targetType,
        targetId: q.targetId,
        from: q.from === undefined ? undefined : new Date(q.from),
        to: q.to === undefined ? undefined : new Date(q.to),
        outcome: q.outcome,
      },
      { afterSeq: q.afterSeq, beforeSeq: q.beforeSeq, limit: q.limit, order: q.order },
    );
  }
}
