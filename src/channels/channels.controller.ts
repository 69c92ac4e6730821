import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  recordEpochsView,
  shareRecordKeysSchema,
  type RecordEpochsView,
  type ShareRecordKeysInput,
  addMemberSchema,
  channelDevicesView,
  channelSummary,
  channelView,
  createChannelSchema,
  epochKeyView,
  historyShareView,
  keysQuery,
  markReadSchema,
  openedEpochView,
  readPositionView,
  openEpochSchema,
  shareHistorySchema,
  type AddMemberInput,
  type ChannelDevicesView,
  type ChannelSummary,
  type ChannelView,
  type CreateChannelInput,
  type EpochKeyView,
  type HistoryShareView,
  type KeysQuery,
  type MarkReadInput,
  type OpenedEpochView,
  type ReadPositionView,
  type OpenEpochInput,
  type ShareHistoryInput,
} from '../../contracts/channels.js';
import { ApiDoc, ApiZodBody, ApiZodQuery, emptyBodySchema, uuidParam, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext } from '../identity/auth-context.js';
import { ChannelEpochsService } from './channel-epochs.service.js';
import { ChannelMembershipService } from './channel-membership.service.js';
import { ChannelReadsService } from './channel-reads.service.js';
import { ChannelViewsService } from './channel-views.service.js';

/** Channels, members and key epochs. Every route needs full ISA access (the default `shared` level). */
@ApiTags('channels')
@ApiBearerAuth()
@Controller('channels')
export class ChannelsController {
  constructor(
    private readonly views: ChannelViewsService,
    private readonly membership: ChannelMembershipService,
    private readonly epochs: ChannelEpochsService,
    private readonly reads: ChannelReadsService,
  ) {}

  @Post()
  @ApiDoc(
    'Create a channel (you join as chair; a direct channel is between you and one other person)',
    channelView,
    201,
  )
  @ApiZodBody(createChannelSchema)
  create(@Auth() auth: AuthContext, @Body(zodPipe(createChannelSchema)) dto: CreateChannelInput): Promise<ChannelView> {
    return this.membership.create(auth, dto);
  }

  @Get()
  @ApiDoc('Your channels, newest first', channelSummary.array())
  list(@Auth() auth: AuthContext): Promise<ChannelSummary[]> {
    return this.views.list(auth);
  }

  @Get(':id')
  @ApiDoc('A channel with its members and their devices', channelView)
  show(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<ChannelView> {
    return this.views.show(auth, id);
  }

  /**
   * Moves the caller's read position forward (never back; a number after the latest message is a 400).
   * Their other sockets hear `channel.read`.
   */
  @Post(':id/read')
  @ApiDoc('Mark the channel read up to a message, for you on every device (forward only)', readPositionView)
  @HttpCode(200)
  @ApiZodBody(markReadSchema)
  markRead(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(markReadSchema)) dto: MarkReadInput,
  ): Promise<ReadPositionView> {
    return this.reads.markRead(auth, id, dto.seq);
  }

  @Post(':id/members')
  @ApiDoc('Add a member (chair only; the channel then needs a new epoch)', channelView, 201)
  @ApiZodBody(addMemberSchema)
  addMember(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(addMemberSchema)) dto: AddMemberInput,
  ): Promise<ChannelView> {
    return this.membership.addMember(auth, id, dto);
  }

  @Delete(':id/members/:userId')
  @ApiDoc('Remove a member (chair only, or yourself)', null)
  @HttpCode(204)
  async removeMember(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Param('userId', uuidParam) userId: string,
  ): Promise<void> {
    await this.membership.removeMember(auth, id, userId);
  }

  @Post(':id/leave')
  @ApiDoc('Leave a channel', null)
  @HttpCode(204)
  async leave(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(emptyBodySchema)) _: unknown,
  ): Promise<void> {
    await this.membership.removeMember(auth, id, auth.user.id);
  }

  /** The devices the next epoch key must be sealed to, exactly. */
  @Get(':id/devices')
  @ApiDoc('The devices the next epoch key must be sealed to, exactly', channelDevicesView)
  devices(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<ChannelDevicesView> {
    return this.epochs.devicesForEpoch(auth, id);
  }

  @Post(':id/epochs')
  @ApiDoc('Open the next key epoch: its key sealed to exactly the member devices, signed', openedEpochView, 201)
  @ApiZodBody(openEpochSchema)
  openEpoch(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(openEpochSchema)) dto: OpenEpochInput,
  ): Promise<OpenedEpochView> {
    return this.epochs.openEpoch(auth, id, dto);
  }

  @Get(':id/keys')
  @ApiDoc('The epoch keys sealed to one of your devices, with their signed announcements', epochKeyView.array())
  @ApiZodQuery(keysQuery)
  keys(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Query(zodPipe(keysQuery)) q: KeysQuery,
  ): Promise<EpochKeyView[]> {
    return this.epochs.keysForDevice(auth, id, q.deviceId, q.fromEpoch);
  }

  @Get(':id/record-epochs')
  @ApiDoc('The key periods the conversation’s live case record needs (what a newcomer is given)', recordEpochsView)
  recordEpochs(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<RecordEpochsView> {
    return this.epochs.recordEpochs(auth, id);
  }

  @Post(':id/record-key-shares')
  @ApiDoc('Give a member’s devices the keys the case record needs (opens no older chat)', historyShareView, 201)
  @ApiZodBody(shareRecordKeysSchema)
  shareRecordKeys(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(shareRecordKeysSchema)) dto: ShareRecordKeysInput,
  ): Promise<HistoryShareView> {
    return this.epochs.shareRecordKeys(auth, id, dto);
  }

  @Post(':id/history-shares')
  @ApiDoc('Share epoch keys you hold with a current member’s device', historyShareView, 201)
  @ApiZodBody(shareHistorySchema)
  shareHistory(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(shareHistorySchema)) dto: ShareHistoryInput,
  ): Promise<HistoryShareView> {
    return this.epochs.shareHistory(auth, id, dto);
  }
}
