import { Body, Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  actionDetailView,
  actionView,
  createActionSchema,
  reassignActionSchema,
  updateActionSchema,
  type ActionDetailView,
  type ActionView,
  type CreateActionInput,
  type ReassignActionInput,
  type UpdateActionInput,
} from '../../contracts/actions.js';
import { ApiDoc, ApiZodBody, uuidParam, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext } from '../identity/auth-context.js';
import { ActionsService } from './actions.service.js';

/** Actions with named owners and due dates; descriptions and progress notes are sealed. */
@ApiTags('actions')
@ApiBearerAuth()
@Controller()
export class ActionsController {
  constructor(private readonly actions: ActionsService) {}

  @Post('actions')
  @ApiDoc('Set an action with an owner and a due date', actionDetailView, 201)
  @ApiZodBody(createActionSchema)
  create(
    @Auth() auth: AuthContext,
    @Body(zodPipe(createActionSchema)) dto: CreateActionInput,
  ): Promise<ActionDetailView> {
    return this.actions.create(auth, dto);
  }

  /** Your actions across every channel, overdue first. */
  @Get('actions/mine')
  @ApiDoc('Your actions across every channel, overdue first', actionView.array())
  mine(@Auth() auth: AuthContext): Promise<ActionView[]> {
    return this.actions.mine(auth);
  }

  @Get('channels/:id/actions')
  @ApiDoc('Actions of a channel, by due date', actionView.array())
  forChannel(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<ActionView[]> {
    return this.actions.listForChannel(auth, id);
  }

  @Get('actions/:id')
  @ApiDoc('An action with its history', actionDetailView)
  show(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<ActionDetailView> {
    return this.actions.show(auth, id);
  }

  /** A new status and/or a progress note (owner, chair or lead worker). */
  @Post('actions/:id/updates')
  @ApiDoc('Change the status and/or add a progress note', actionDetailView, 201)
  @ApiZodBody(updateActionSchema)
  update(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(updateActionSchema)) dto: UpdateActionInput,
  ): Promise<ActionDetailView> {
    return this.actions.update(auth, id, dto);
  }

  @Post('actions/:id/reassign')
  @ApiDoc('Hand the action to someone else (chair or lead worker)', actionDetailView, 201)
  @ApiZodBody(reassignActionSchema)
  reassign(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(reassignActionSchema)) dto: ReassignActionInput,
  ): Promise<ActionDetailView> {
    return this.actions.reassign(auth, id, dto);
  }
}
