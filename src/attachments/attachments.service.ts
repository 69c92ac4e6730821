import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ATTACHMENT_CHUNK_MAX_BYTES,
  ATTACHMENT_CHUNK_OVERHEAD,
  type AttachmentView,
  type ChunkStoredView,
  type DeclareAttachmentInput,
} from '../../contracts/attachments.js';
import { AuditService } from '../audit/audit.service.js';
import { AppError, badRequest, conflict, forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { ChannelsService } from '../channels/channels.service.js';
import { ChannelsRepository } from '../channels/channels.repository.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { DevicesRepository } from '../identity/devices.repository.js';
import { attachmentExpiry, attachmentLive, declarationRefusal, missingChunks } from './attachment-rules.js';
import { ATTACHMENT_STORE, type AttachmentStore } from './attachment-store.js';
import { AttachmentsRepository, toAttachmentView, type AttachmentRow } from './attachments.repository.js';

/**
 * Encrypted files: declare, store chunk by chunk, complete, then read (docs/protocol.md, "Attachments").
 * The server stores opaque chunks and enforces who may do what: only a current member of the channel (the
 * guard has already checked the session and that their agency is party to the agreement) may upload or
 * read, and only the uploader may add chunks to their upload or complete it. Each use case is one
 * transaction; a chunk is handled whole (at most ATTACHMENT_CHUNK_MAX_BYTES), never a file.
 */
@Injectable()
export class AttachmentsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(ATTACHMENT_STORE) private readonly store: AttachmentStore,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly channels: ChannelsService,
    private readonly channelsRepo: ChannelsRepository,
    private readonly devices: DevicesRepository,
    private readonly attachments: AttachmentsRepository,
  ) {}

  /**
   * Declares an upload into a channel. A retry of the same declaration answers with the stored one; an id
   * already used for anything else is `409 record_exists`.
   */
  async declare(auth: AuthContext, channelId: string, dto: DeclareAttachmentInput): Promise<AttachmentView> {
    return this.db.transaction(async (m) => {
      const member = await this.channels.membership(m, channelId, auth.user.id);
      if (member.role === 'observer') {
        throw forbidden('observer_read_only', 'Observers can read but not add files.');
      }
      if (!(await this.devices.activeSigningKey(m, dto.deviceId, auth.user.id))) {
        throw forbidden('not_your_device', 'Upload from one of your own active devices.');
      }
      // A family's channel whose consent was withdrawn takes nothing new from this agency, as for messages.
      const sharing = (await this.channels.sharingRefusals(m, channelId, [auth.user.agencyId])).get(auth.user.agencyId);
      if (sharing) throw sharing;
      const refusal = declarationRefusal(dto, this.config.ATTACHMENT_MAX_BYTES);
      if (refusal) throw refusal;
      const now = this.clock.now();
      const channel = await this.channelsRepo.get(m, channelId);
      const row = {
        id: dto.id,
        channelId,
        uploaderUserId: auth.user.id,
        uploaderDeviceId: dto.deviceId,
        purpose: dto.purpose,
        chunkCount: dto.chunkCount,
        sizeBytes: dto.sizeBytes,
        createdAt: now,
        expiresAt: attachmentExpiry(dto.purpose, now, channel.retentionDays, this.config.ATTACHMENT_UPLOAD_HOURS),
      };
      if (await this.attachments.insert(m, row)) return toAttachmentView((await this.attachments.find(m, dto.id))!);
      const existing = (await this.attachments.find(m, dto.id))!;
      const same =
        existing.channel_id === channelId &&
        existing.uploader_user_id === auth.user.id &&
        existing.uploader_device_id === dto.deviceId &&
        existing.purpose === dto.purpose &&
        existing.chunk_count === dto.chunkCount &&
        Number(existing.size_bytes) === dto.sizeBytes &&
        this.live(existing, now);
      if (!same) {
        throw conflict('record_exists', 'A file with this id already exists: make a new id and try again.');
      }
      return toAttachmentView(existing);
    });
  }

  /**
   * Stores chunk `index` of the caller's upload. The same bytes again (a retry) answer `already_stored`
   * and store nothing; other bytes for a stored chunk are `409 chunk_conflict`.
   */
  async putChunk(auth: AuthContext, id: string, index: number, bytes: Buffer | undefined): Promise<ChunkStoredView> {
    if (!Buffer.isBuffer(bytes)) {
      throw new AppError(415, 'unsupported_media_type', 'Send the piece of the file as application/octet-stream.');
    }
    if (bytes.length <= ATTACHMENT_CHUNK_OVERHEAD || bytes.length > ATTACHMENT_CHUNK_MAX_BYTES) {
      throw badRequest('validation_failed', 'The request body is invalid.', {
        fields: {
          '(body)': [
            `must be between ${ATTACHMENT_CHUNK_OVERHEAD + 1} and ${ATTACHMENT_CHUNK_MAX_BYTES} bytes of encrypted file`,
          ],
        },
      });
    }
    return this.db.transaction(async (m) => {
      const a = await this.readable(m, auth, id, 'share');
      this.assertUploader(auth, a);
      if (index >= a.chunk_count) {
        throw badRequest('validation_failed', 'The address is invalid.', {
          fields: { index: [`must be below ${a.chunk_count}, the number of pieces declared`] },
        });
      }
      const put = await this.store.put(m, id, index, bytes);
      if (put === 'different') {
        throw conflict('chunk_conflict', `Piece ${index} of this file is already stored with other content.`, {
          index,
        });
      }
      return { index, stored: put };
    });
  }

  /**
   * Marks the caller's upload complete once every declared chunk is stored and their sizes add up to the
   * declared size; otherwise `409` naming what is missing. Completing again answers the same.
   */
  async complete(auth: AuthContext, id: string): Promise<AttachmentView> {
    return this.db.transaction(async (m) => {
      const a = await this.readable(m, auth, id, 'update');
      this.assertUploader(auth, a);
      if (a.state === 'complete') return toAttachmentView(a);
      const { indexes, bytes } = await this.store.summary(m, id);
      const missing = missingChunks(a.chunk_count, indexes);
      if (missing.count) {
        throw conflict(
          'attachment_incomplete',
          `${missing.count} of the ${a.chunk_count} pieces of this file ${missing.count === 1 ? 'has' : 'have'} not arrived yet: send ${missing.count === 1 ? 'it' : 'them'}, then complete the upload.`,
          { missing: missing.first, missingCount: missing.count },
        );
      }
      if (bytes !== Number(a.size_bytes)) {
        throw conflict(
          'attachment_size_mismatch',
          `The pieces of this file add up to ${bytes} bytes, not the ${a.size_bytes} declared.`,
          { declared: Number(a.size_bytes), stored: bytes },
        );
      }
      const now = this.clock.now();
      await this.attachments.markComplete(m, id, now);
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'attachment.uploaded',
        target: { type: 'attachment', id },
        details: { channelId: a.channel_id, purpose: a.purpose, chunkCount: a.chunk_count },
        meta: auth.meta,
      });
      return toAttachmentView({ ...a, state: 'complete', completed_at: now });
    });
  }

  /** The attachment as the server knows it. Asking for a complete one starts a download, and is audited as one. */
  async view(auth: AuthContext, id: string): Promise<AttachmentView> {
    return this.db.transaction(async (m) => {
      const a = await this.readable(m, auth, id);
      if (a.state === 'complete') {
        await this.audit.record(m, {
          actor: actorOf(auth),
          action: 'attachment.downloaded',
          target: { type: 'attachment', id },
          details: { channelId: a.channel_id },
          meta: auth.meta,
        });
      }
      return toAttachmentView(a);
    });
  }

  /** One chunk of a complete attachment, as stored. */
  async chunk(auth: AuthContext, id: string, index: number): Promise<Buffer> {
    const m = this.db.manager;
    const a = await this.readable(m, auth, id);
    if (a.state !== 'complete') {
      throw conflict('attachment_not_ready', 'This file has not finished uploading yet.');
    }
    const bytes = index < a.chunk_count ? await this.store.get(m, id, index) : null;
    if (!bytes) throw notFound('That piece of the file');
    return bytes;
  }

  /**
   * The uploader takes their file back (as when they delete the message that refers to it): it expires
   * now, so nobody can read it from this moment, and the retention job deletes its bytes.
   */
  async remove(auth: AuthContext, id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const a = await this.readable(m, auth, id, 'update');
      this.assertUploader(auth, a);
      await this.attachments.expireNow(m, id, this.clock.now());
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'attachment.deleted',
        target: { type: 'attachment', id },
        details: { channelId: a.channel_id },
        meta: auth.meta,
      });
    });
  }

  /**
   * The attachment if it still exists and the caller may use its channel now: 404 for an unknown,
   * expired or abandoned one; the channel's refusal (403 not a member, membership ended) otherwise.
   */
  private async readable(
    m: EntityManager,
    auth: AuthContext,
    id: string,
    lock: 'none' | 'share' | 'update' = 'none',
  ): Promise<AttachmentRow> {
    const a = await this.attachments.find(m, id, lock);
    if (!a || !this.live(a, this.clock.now())) throw notFound('File');
    await this.channels.membership(m, a.channel_id, auth.user.id);
    return a;
  }

  private live(a: AttachmentRow, now: Date): boolean {
    return attachmentLive(a, now, this.config.ATTACHMENT_UPLOAD_HOURS);
  }

  private assertUploader(auth: AuthContext, a: AttachmentRow): void {
    if (a.uploader_user_id !== auth.user.id) {
      throw forbidden('not_your_attachment', 'Only the person who uploaded this file can change it.');
    }
  }
}
