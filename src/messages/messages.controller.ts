import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  chainHeadQuery,
  chainHeadView,
  listMessagesQuery,
  messagePage,
  seqParam,
  sendMessageSchema,
  storedMessageView,
  type ChainHeadQuery,
  type ChainHeadView,
  type ListMessagesQuery,
  type MessagePage,
  type SendMessageInput,
  type StoredMessageView,
} from '../../contracts/messages.js';
import { ApiDoc, ApiZodBody, ApiZodQuery, uuidParam, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext } from '../identity/auth-context.js';
import { MessagesService } from './messages.service.js';

@ApiTags('messages')
@ApiBearerAuth()
@Controller('channels/:id/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  /** Stores a sealed message; a retry with the same clientMessageId returns the stored one (200, not 201). */
  @Post()
  @ApiDoc('Store a sealed message (idempotent by clientMessageId)', storedMessageView, 201)
  @ApiZodBody(sendMessageSchema)
  async send(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(sendMessageSchema)) dto: SendMessageInput,
  ): Promise<StoredMessageView> {
    return (await this.messages.send(auth, id, dto)).message;
  }

  @Get()
  @ApiDoc('Messages after a sequence number, as ciphertext', messagePage)
  @ApiZodQuery(listMessagesQuery)
  list(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Query(zodPipe(listMessagesQuery)) q: ListMessagesQuery,
  ): Promise<MessagePage> {
    return this.messages.list(auth, id, q);
  }

  @Get('chain-head')
  @ApiDoc("One of your devices' last message header in the channel, to continue its numbering", chainHeadView)
  @ApiZodQuery(chainHeadQuery)
  chainHead(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Query(zodPipe(chainHeadQuery)) q: ChainHeadQuery,
  ): Promise<ChainHeadView> {
    return this.messages.chainHead(auth, id, q.deviceId);
  }

  @Delete(':seq')
  @ApiDoc('Delete your own message (its place in the sequence stays)', null)
  @HttpCode(204)
  async remove(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Param('seq', zodPipe(seqParam, 'number in the address')) seq: number,
  ): Promise<void> {
    await this.messages.remove(auth, id, seq);
  }
}
