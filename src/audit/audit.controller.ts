import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { forbidden } from '../common/app-error.js';
import { ApiZodQuery, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext, Roles } from '../identity/auth-context.js';
import { AuditService, toChainedFields } from './audit.service.js';

const eventsQuery = z.strictObject({
  afterSeq: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  agencyId: z.uuid().optional(),
});

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Recomputes the whole hash chain and reports the first broken link. */
  @Get('verify')
  @Roles('isa_admin', 'auditor')
  verify() {
    return this.audit.verify();
  }

  /**
   * Events oldest first, with their hashes, so a verifier outside the server can recompute the chain.
   * Agency admins see only their own agency's events (the chain cannot be checked from a filtered view).
   */
  @Get('events')
  @Roles('isa_admin', 'auditor', 'agency_admin')
  @ApiZodQuery(eventsQuery)
  async events(@Auth() auth: AuthContext, @Query(zodPipe(eventsQuery)) q: z.infer<typeof eventsQuery>) {
    let agencyId = q.agencyId;
    if (auth.user.role === 'agency_admin') {
      if (agencyId && agencyId !== auth.user.agencyId)
        throw forbidden('other_agency', "You can only read your own agency's audit trail.");
      agencyId = auth.user.agencyId;
    }
    const events = await this.audit.list({ agencyId, afterSeq: q.afterSeq, limit: q.limit });
    return events.map(toChainedFields);
  }
}
