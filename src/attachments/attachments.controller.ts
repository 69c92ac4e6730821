import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  attachmentView,
  chunkIndexParam,
  chunkStoredView,
  declareAttachmentSchema,
  type AttachmentView,
  type ChunkStoredView,
  type DeclareAttachmentInput,
} from '../../contracts/attachments.js';
import { ApiDoc, ApiZodBody, emptyBodySchema, uuidParam, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext } from '../identity/auth-context.js';
import { AttachmentsService } from './attachments.service.js';

const indexPipe = zodPipe(chunkIndexParam, 'piece number in the address');
const BYTES = { type: 'string', format: 'binary' } as const;

/**
 * Encrypted files, stored as opaque chunks (docs/protocol.md, "Attachments"). A chunk's body is
 * `application/octet-stream`, read by a parser for that route only (src/app.factory.ts) and bounded to one
 * encrypted chunk; everything else is JSON as usual.
 */
@ApiTags('attachments')
@ApiBearerAuth()
@Controller()
export class AttachmentsController {
  constructor(private readonly attachments: AttachmentsService) {}

  @Post('channels/:channelId/attachments')
  @ApiDoc('Declare an encrypted file to upload into a channel (its pieces follow)', attachmentView, 201)
  @ApiZodBody(declareAttachmentSchema)
  declare(
    @Auth() auth: AuthContext,
    @Param('channelId', uuidParam) channelId: string,
    @Body(zodPipe(declareAttachmentSchema)) dto: DeclareAttachmentInput,
  ): Promise<AttachmentView> {
    return this.attachments.declare(auth, channelId, dto);
  }

  /** One encrypted piece; sending the same bytes again is answered as stored. */
  @Put('attachments/:id/chunks/:index')
  @ApiDoc('Store one encrypted piece of your upload (the same bytes again are a retry)', chunkStoredView)
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: BYTES })
  putChunk(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Param('index', indexPipe) index: number,
    @Body() bytes: unknown,
  ): Promise<ChunkStoredView> {
    return this.attachments.putChunk(auth, id, index, Buffer.isBuffer(bytes) ? bytes : undefined);
  }

  @Post('attachments/:id/complete')
  @HttpCode(200)
  @ApiDoc('Finish your upload once every piece is stored', attachmentView)
  @ApiZodBody(emptyBodySchema)
  complete(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(emptyBodySchema)) _body: unknown,
  ): Promise<AttachmentView> {
    return this.attachments.complete(auth, id);
  }

  @Get('attachments/:id')
  @ApiDoc('An encrypted file’s sizes and state (audited as the start of a download)', attachmentView)
  view(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<AttachmentView> {
    return this.attachments.view(auth, id);
  }

  @Get('attachments/:id/chunks/:index')
  @ApiOperation({ summary: 'One encrypted piece of a file, as stored' })
  @ApiOkResponse({ content: { 'application/octet-stream': { schema: BYTES } } })
  async chunk(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Param('index', indexPipe) index: number,
  ): Promise<StreamableFile> {
    const bytes = await this.attachments.chunk(auth, id, index);
    return new StreamableFile(bytes, { type: 'application/octet-stream', length: bytes.length });
  }

  @Delete('attachments/:id')
  @HttpCode(204)
  @ApiDoc('Take back a file you uploaded: nobody can read it from now on', null)
  async remove(@Auth() auth: AuthContext, @Param('id', uuidParam) id: string): Promise<void> {
    await this.attachments.remove(auth, id);
  }
}
