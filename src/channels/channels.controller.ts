import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { ApiZodBody, ApiZodQuery, uuidParam, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext } from '../identity/auth-context.js';
import { ChannelsService } from './channels.service.js';
import {
  addMemberSchema,
  createChannelSchema,
  keysQuery,
  openEpochSchema,
  shareHistorySchema,
  type AddMemberDto,
  type CreateChannelDto,
  type OpenEpochDto,
  type ShareHistoryDto,
} from './dto/channel.dto.js';

/** Channels, members and key epochs. Every route needs full ISA access (the default `shared` level). */
@ApiTags('channels')
@ApiBearerAuth()
@Controller('channels')
export class ChannelsController {
  constructor(private readonly channels: ChannelsService) {}

  @Post()
  @ApiZodBody(createChannelSchema)
  create(@Auth() auth: AuthContext, @Body(zodPipe(createChannelSchema)) dto: CreateChannelDto) {
    return this.channels.create(auth, dto);
  }

  @Get()
  list(@Auth() auth: AuthContext) {
    return this.channels.list(auth);
  }

  @Get(':id')
  show(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string) {
    return this.channels.show(auth, id);
  }

  @Post(':id/members')
  @ApiZodBody(addMemberSchema)
  addMember(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(addMemberSchema)) dto: AddMemberDto,
  ) {
    return this.channels.addMember(auth, id, dto);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  async removeMember(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Param('userId', uuidParam) userId: string,
  ) {
    await this.channels.removeMember(auth, id, userId);
  }

  @Post(':id/leave')
  @HttpCode(204)
  async leave(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(z.strictObject({}).optional())) _: unknown,
  ) {
    await this.channels.removeMember(auth, id, auth.user.id);
  }

  /** The devices the next epoch key must be sealed to, exactly. */
  @Get(':id/devices')
  devices(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string) {
    return this.channels.devicesForEpoch(auth, id);
  }

  @Post(':id/epochs')
  @ApiZodBody(openEpochSchema)
  openEpoch(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(openEpochSchema)) dto: OpenEpochDto,
  ) {
    return this.channels.openEpoch(auth, id, dto);
  }

  @Get(':id/keys')
  @ApiZodQuery(keysQuery)
  keys(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Query(zodPipe(keysQuery)) q: z.infer<typeof keysQuery>,
  ) {
    return this.channels.keysForDevice(auth, id, q.deviceId, q.fromEpoch);
  }

  @Post(':id/history-shares')
  @ApiZodBody(shareHistorySchema)
  shareHistory(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(shareHistorySchema)) dto: ShareHistoryDto,
  ) {
    return this.channels.shareHistory(auth, id, dto);
  }
}
