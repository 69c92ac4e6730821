import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  handOverView,
  newLeadWorkerRequest,
  reassignOpenActionRequest,
  type HandOverView,
  type NewLeadWorkerRequest,
  type ReassignOpenActionRequest,
} from '../../contracts/notifications.js';
import { ApiDoc, ApiZodBody, uuidParam, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext, Roles } from '../identity/auth-context.js';
import { HandOverService } from './hand-over.service.js';

/**
 * A leaver's hand-over, for those who look after their account (the ISA team; an agency admin for their
 * own agency's people): what they hold, and handing each piece to a named colleague.
 */
@ApiTags('users')
@ApiBearerAuth()
@Controller('users/:id/hand-over')
export class HandOverController {
  constructor(private readonly handOver: HandOverService) {}

  @Get()
  @ApiDoc('A person’s open actions and the families they lead, to hand over when they leave', handOverView)
  @Roles('isa_admin', 'agency_admin')
  view(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<HandOverView> {
    return this.handOver.view(auth, id);
  }

  @Post('actions/:actionId')
  @HttpCode(200)
  @ApiDoc('Hand one of a leaver’s open actions to a colleague in its channel (who is notified)', handOverView)
  @Roles('isa_admin', 'agency_admin')
  @ApiZodBody(reassignOpenActionRequest)
  reassign(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Param('actionId', uuidParam) actionId: string,
    @Body(zodPipe(reassignOpenActionRequest)) dto: ReassignOpenActionRequest,
  ): Promise<HandOverView> {
    return this.handOver.reassignAction(auth, id, actionId, dto.ownerId);
  }

  @Post('families/:familyId')
  @HttpCode(200)
  @ApiDoc('Set a new lead worker for a family a leaver led (who is notified)', handOverView)
  @Roles('isa_admin', 'agency_admin')
  @ApiZodBody(newLeadWorkerRequest)
  newLead(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Param('familyId', uuidParam) familyId: string,
    @Body(zodPipe(newLeadWorkerRequest)) dto: NewLeadWorkerRequest,
  ): Promise<HandOverView> {
    return this.handOver.newLeadWorker(auth, id, familyId, dto.leadWorkerId);
  }
}
