import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  channelHoldView,
  disposalsQuery,
  disposalView,
  holdsQuery,
  holdView,
  placeHoldRequest,
  releaseHoldRequest,
  type ChannelHoldView,
  type DisposalsQuery,
  type DisposalView,
  type HoldsQuery,
  type HoldView,
  type PlaceHoldRequest,
  type ReleaseHoldRequest,
} from '../../contracts/retention.js';
import { ApiDoc, ApiZodBody, ApiZodQuery, uuidParam, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext, Roles } from '../identity/auth-context.js';
import { HoldsService } from './holds.service.js';

/**
 * Legal holds and disposal evidence. ISA administrators place and release holds; they, auditors and each
 * agency's data-protection lead (agency_admin) read the holds and the disposal records.
 */
@ApiTags('retention')
@ApiBearerAuth()
@Controller()
export class HoldsController {
  constructor(private readonly holds: HoldsService) {}

  @Post('holds')
  @ApiDoc('Place a legal hold: every expiry it covers waits until it is released', holdView, 201)
  @Roles('isa_admin')
  @ApiZodBody(placeHoldRequest)
  place(@Auth() auth: AuthContext, @Body(zodPipe(placeHoldRequest)) dto: PlaceHoldRequest): Promise<HoldView> {
    return this.holds.place(auth, dto);
  }

  @Post('holds/:id/release')
  @HttpCode(200)
  @ApiDoc('Release a legal hold: what it kept expires again under its rules', holdView)
  @Roles('isa_admin')
  @ApiZodBody(releaseHoldRequest)
  release(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(releaseHoldRequest)) dto: ReleaseHoldRequest,
  ): Promise<HoldView> {
    return this.holds.release(auth, id, dto);
  }

  @Get('holds')
  @ApiDoc('Legal holds, newest first: those in force, or all with active=false', z.array(holdView))
  @Roles('isa_admin', 'auditor', 'agency_admin')
  @ApiZodQuery(holdsQuery)
  list(@Query(zodPipe(holdsQuery)) q: HoldsQuery): Promise<HoldView[]> {
    return this.holds.list(q.active);
  }

  @Get('channels/:id/holds')
  @ApiDoc(
    'Legal holds that keep this channel’s records past their expiry (for its members; without the reason)',
    z.array(channelHoldView),
  )
  channelHolds(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<ChannelHoldView[]> {
    return this.holds.channelHolds(auth, id);
  }

  @Get('disposals')
  @ApiDoc('Disposal records, oldest first: what expired, under which rule, how many, from when', z.array(disposalView))
  @Roles('isa_admin', 'auditor', 'agency_admin')
  @ApiZodQuery(disposalsQuery)
  disposals(@Query(zodPipe(disposalsQuery)) q: DisposalsQuery): Promise<DisposalView[]> {
    return this.holds.disposalRecords(q);
  }
}
