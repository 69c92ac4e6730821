import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiZodBody, ApiZodQuery, uuidParam, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext } from '../identity/auth-context.js';
import {
  listMessagesQuery,
  seqParam,
  sendMessageSchema,
  type ListMessagesQuery,
  type SendMessageDto,
} from './dto/message.dto.js';
import { MessagesService } from './messages.service.js';

@ApiTags('messages')
@ApiBearerAuth()
@Controller('channels/:id/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  /** Stores a sealed message; a retry with the same clientMessageId returns the stored one (200, not 201). */
  @Post()
  @ApiZodBody(sendMessageSchema)
  async send(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(sendMessageSchema)) dto: SendMessageDto,
  ) {
    return (await this.messages.send(auth, id, dto)).message;
  }

  @Get()
  @ApiZodQuery(listMessagesQuery)
  list(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Query(zodPipe(listMessagesQuery)) q: ListMessagesQuery,
  ) {
    return this.messages.list(auth, id, q);
  }

  @Delete(':seq')
  @HttpCode(204)
  async remove(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Param('seq', zodPipe(seqParam, 'path parameter')) seq: number,
  ) {
    await this.messages.remove(auth, id, seq);
  }
}
