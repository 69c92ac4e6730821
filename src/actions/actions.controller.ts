import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiZodBody, uuidParam, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext } from '../identity/auth-context.js';
import { ActionsService } from './actions.service.js';
import {
  createActionSchema,
  reassignActionSchema,
  updateActionSchema,
  type CreateActionDto,
  type ReassignActionDto,
  type UpdateActionDto,
} from './dto/action.dto.js';

/** Actions with named owners and due dates; descriptions and progress notes are sealed. */
@ApiTags('actions')
@ApiBearerAuth()
@Controller()
export class ActionsController {
  constructor(private readonly actions: ActionsService) {}

  @Post('actions')
  @ApiZodBody(createActionSchema)
  create(@Auth() auth: AuthContext, @Body(zodPipe(createActionSchema)) dto: CreateActionDto) {
    return this.actions.create(auth, dto);
  }

  /** Your actions across every channel, overdue first. */
  @Get('actions/mine')
  mine(@Auth() auth: AuthContext) {
    return this.actions.mine(auth);
  }

  @Get('channels/:id/actions')
  forChannel(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string) {
    return this.actions.listForChannel(auth, id);
  }

  @Get('actions/:id')
  show(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string) {
    return this.actions.show(auth, id);
  }

  /** A new status and/or a progress note (owner, chair or lead worker). */
  @Post('actions/:id/updates')
  @ApiZodBody(updateActionSchema)
  update(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(updateActionSchema)) dto: UpdateActionDto,
  ) {
    return this.actions.update(auth, id, dto);
  }

  @Post('actions/:id/reassign')
  @ApiZodBody(reassignActionSchema)
  reassign(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(reassignActionSchema)) dto: ReassignActionDto,
  ) {
    return this.actions.reassign(auth, id, dto);
  }
}
