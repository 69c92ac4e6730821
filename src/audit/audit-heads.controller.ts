import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  auditHeadsQuery,
  auditHeadView,
  auditSigningKeyView,
  type AuditHeadsQuery,
  type AuditHeadView,
  type AuditSigningKeyView,
} from '../../contracts/audit-heads.js';
import { ApiDoc, ApiZodBody, ApiZodQuery, emptyBodySchema, zodPipe } from '../common/zod.js';
import { Roles } from '../identity/auth-context.js';
import { AuditHeadsService } from './audit-heads.service.js';

/**
 * Signed heads of the audit log, for the people who check it: ISA administrators and auditors, and each
 * agency's data-protection lead (agency_admin), who saves a head to verify a log they are given later.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditHeadsController {
  constructor(private readonly heads: AuditHeadsService) {}

  @Get('heads')
  @ApiDoc('Signed heads of the audit log, newest first', z.array(auditHeadView))
  @Roles('isa_admin', 'auditor', 'agency_admin')
  @ApiZodQuery(auditHeadsQuery)
  list(@Query(zodPipe(auditHeadsQuery)) q: AuditHeadsQuery): Promise<AuditHeadView[]> {
    return this.heads.list(q);
  }

  /** Signs the log's current end now (or returns the head that already covers it). Not itself audited: it changes no record. */
  @Post('heads')
  @HttpCode(200)
  @ApiDoc(
    'Sign the current head of the audit log now; `created` is false when the newest head already covers it',
    z.object({ head: auditHeadView.nullable(), created: z.boolean() }),
  )
  @Roles('isa_admin', 'auditor')
  @ApiZodBody(emptyBodySchema)
  sign(@Body(zodPipe(emptyBodySchema)) _body: unknown): Promise<{ head: AuditHeadView | null; created: boolean }> {
    return this.heads.signNow();
  }

  @Get('signing-key')
  @ApiDoc('The public key that signs audit heads, and how often one is signed', auditSigningKeyView)
  @Roles('isa_admin', 'auditor', 'agency_admin')
  signingKey(): AuditSigningKeyView {
    return this.heads.signingKey();
  }
}
