import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  approveGrantRequest,
  grantsQuery,
  grantView,
  requestGrantRequest,
  type ApproveGrantRequest,
  type GrantsQuery,
  type GrantView,
  type RequestGrantRequest,
} from '../../contracts/audit-grants.js';
import { ApiDoc, ApiZodBody, ApiZodQuery, emptyBodySchema, uuidParam, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext, Roles } from '../identity/auth-context.js';
import { AuditGrantsService } from './audit-grants.service.js';

/**
 * Time-limited audit access (ISA 6.1): auditors ask for a case, for themselves; ISA administrators
 * approve (with an end time), refuse or end. Each handler authorises by role and makes one service call.
 */
@ApiTags('audit grants')
@ApiBearerAuth()
@Controller('audit-grants')
export class AuditGrantsController {
  constructor(private readonly grants: AuditGrantsService) {}

  @Post()
  @ApiDoc('Ask for time-limited, read-only access to a case (a channel, a family or a referral)', grantView, 201)
  @Roles('auditor')
  @ApiZodBody(requestGrantRequest)
  request(@Auth() auth: AuthContext, @Body(zodPipe(requestGrantRequest)) dto: RequestGrantRequest): Promise<GrantView> {
    return this.grants.request(auth, dto);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @ApiDoc('Approve an audit request until an end time: the auditor joins the case as a read-only observer', grantView)
  @Roles('isa_admin')
  @ApiZodBody(approveGrantRequest)
  approve(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(approveGrantRequest)) dto: ApproveGrantRequest,
  ): Promise<GrantView> {
    return this.grants.approve(auth, id, dto);
  }

  @Post(':id/refuse')
  @HttpCode(200)
  @ApiDoc('Refuse an audit request', grantView)
  @Roles('isa_admin')
  refuse(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(emptyBodySchema)) _: unknown,
  ): Promise<GrantView> {
    return this.grants.refuse(auth, id);
  }

  @Post(':id/end')
  @HttpCode(200)
  @ApiDoc('End live audit access now: the auditor is removed and the channel gets a new key', grantView)
  @Roles('isa_admin')
  end(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(emptyBodySchema)) _: unknown,
  ): Promise<GrantView> {
    return this.grants.end(auth, id);
  }

  @Get()
  @ApiDoc('Audit grants, newest first: an auditor’s own, or everyone’s for an ISA administrator', z.array(grantView))
  @Roles('auditor', 'isa_admin')
  @ApiZodQuery(grantsQuery)
  list(@Auth() auth: AuthContext, @Query(zodPipe(grantsQuery)) q: GrantsQuery): Promise<GrantView[]> {
    return this.grants.list(auth, q);
  }
}
