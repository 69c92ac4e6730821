import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { RecordClass } from '../../contracts/retention.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { JobRegistry } from '../common/jobs.js';
import { ATTACHMENT_STORE, type AttachmentStore } from '../attachments/attachment-store.js';
import { AttachmentsRepository } from '../attachments/attachments.repository.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { Notifier } from '../notifications/notifier.js';
import { HeldExpiryReadModel } from './held-expiry.read-model.js';
import { DisposalsRepository } from './holds.repository.js';
import { SpentKeysReadModel } from './spent-keys.read-model.js';

export interface ExpiryReport {
  messagesDeleted: number;
  envelopesDeleted: number;
  batches: number;
}

export interface AttachmentExpiryReport {
  /** Files deleted: past their expiry, or uploads never completed within the upload window. */
  attachmentsDeleted: number;
  chunksDeleted: number;
  batches: number;
}

/** Channels taken from one look at the expiry index; the job looks again until none is left. */
const CHANNELS_PER_PASS = 100;
/** At most this many attachments are claimed by one expiry transaction (their chunks go EXPIRY_BATCH_SIZE at a time). */
const ATTACHMENT_CLAIM = 50;

/**
 * Retention (DESIGN.md §4, ISA clause 7): deletes messages whose server-set `expires_at` has passed, in
 * bounded batches claimed with FOR UPDATE SKIP LOCKED, so several instances share the work and a
 * crashed one's batch is simply taken again. A legal hold in force keeps every record it covers
 * (src/retention/held-expiry.read-model.ts). Disposal leaves evidence (how many, which channel, under
 * which rule, the time range) in the audit log and in disposal_records, never content. Key envelopes of epochs that are over and have no live
 * message left are destroyed too: the keys are gone with the messages they protected.
 */
@Injectable()
export class RetentionService implements OnModuleInit {
  private readonly logger = new Logger(RetentionService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly notifier: Notifier,
    private readonly jobs: JobRegistry,
    private readonly expiry: HeldExpiryReadModel,
    private readonly disposals: DisposalsRepository,
    private readonly spentKeys: SpentKeysReadModel,
    private readonly attachments: AttachmentsRepository,
    @Inject(ATTACHMENT_STORE) private readonly attachmentStore: AttachmentStore,
  ) {}

  onModuleInit(): void {
    this.jobs.register('message-expiry', () => this.expireMessages());
    this.jobs.register('attachment-expiry', () => this.expireAttachments());
  }

  async expireMessages(now: Date = this.clock.now()): Promise<ExpiryReport> {
    const report: ExpiryReport = { messagesDeleted: 0, envelopesDeleted: 0, batches: 0 };
    const batch = this.config.EXPIRY_BATCH_SIZE;
    for (;;) {
      // Channel by channel: each transaction deletes up to a batch of one channel's messages and records
      // that disposal once (one audit event, one disposal record), rather than one of each for every
      // channel a batch of the longest-expired messages happened to touch.
      const channels = await this.expiry.channelsWithExpired(this.db.manager, now, 10 * batch, CHANNELS_PER_PASS);
      if (!channels.length) break;
      const before = report.messagesDeleted;
      for (const channelId of channels) {
        for (;;) {
          const started = performance.now();
          const gone = await this.db.transaction(async (m) => {
            const rows = await this.expiry.deleteExpiredMessages(m, channelId, now, batch);
            if (rows.length) {
              const written = rows.map((r) => r.createdAt);
              await this.recordDisposal(m, now, 'messages', 'channel_retention', channelId, written);
            }
            return rows;
          });
          if (!gone.length) break;
          report.batches++;
          report.messagesDeleted += gone.length;
          const seqs = gone.map((r) => r.seq).sort((a, b) => a - b);
          this.notifier.toChannel(channelId, 'message.expired', { channelId, seqs });
          if (gone.length < batch) break;
          // As long again at rest: a backlog of a million goes in about a minute, and the sends made
          // meanwhile keep their latency (docs/performance.md, "Retention while people send").
          await new Promise((r) => setTimeout(r, performance.now() - started));
        }
      }
      // Everything found was being deleted by another instance meanwhile: its run finishes it.
      if (report.messagesDeleted === before) break;
    }
    report.envelopesDeleted = await this.destroySpentEpochs();
    if (report.messagesDeleted) this.logger.log(report, 'Expired messages deleted');
    return report;
  }

  /**
   * Deletes encrypted files past their expiry (a message's file with the channel's retention; one its
   * uploader took back) and uploads not completed within ATTACHMENT_UPLOAD_HOURS. Bounded batches: each
   * transaction claims up to ATTACHMENT_CLAIM files (FOR UPDATE SKIP LOCKED, so instances share the work
   * and a crashed one's is taken again) and deletes at most EXPIRY_BATCH_SIZE of their chunks; a file's
   * row goes in the transaction that deletes its last chunk. A file already past its expiry is refused to
   * readers (404) before this runs. Disposal is audited per channel, with counts only.
   */
  async expireAttachments(now: Date = this.clock.now()): Promise<AttachmentExpiryReport> {
    const report: AttachmentExpiryReport = { attachmentsDeleted: 0, chunksDeleted: 0, batches: 0 };
    const uploadCutoff = new Date(now.getTime() - this.config.ATTACHMENT_UPLOAD_HOURS * 3_600_000);
    for (;;) {
      const batch = await this.db.transaction(async (m) => {
        const claimed = await this.expiry.claimExpiredAttachments(m, now, uploadCutoff, ATTACHMENT_CLAIM);
        if (!claimed.length) return null;
        const ids = claimed.map((a) => a.id);
        const chunks = await this.attachmentStore.deleteChunks(m, ids, this.config.EXPIRY_BATCH_SIZE);
        const left = await this.attachmentStore.withChunks(m, ids);
        const gone = claimed.filter((a) => !left.has(a.id));
        await this.attachments.deleteMany(
          m,
          gone.map((a) => a.id),
        );
        const groups = new Map<string, Date[]>();
        for (const a of gone) {
          const key = `${a.channelId}\n${a.state === 'complete' ? 'channel_retention' : 'upload_window'}`;
          groups.set(key, [...(groups.get(key) ?? []), a.createdAt]);
        }
        for (const [key, written] of groups) {
          const [channelId, rule] = key.split('\n');
          await this.recordDisposal(m, now, 'attachments', rule, channelId, written);
        }
        return { chunks, files: gone.length };
      });
      if (!batch) break;
      report.batches++;
      report.chunksDeleted += batch.chunks;
      report.attachmentsDeleted += batch.files;
    }
    if (report.attachmentsDeleted) this.logger.log(report, 'Expired files deleted');
    return report;
  }

  /**
   * The evidence of one channel's disposal in a run, in the deleting transaction: an audit event and a
   * disposal record (class, rule, count, the time range they were written in). Counts only, never content.
   */
  private async recordDisposal(
    m: EntityManager,
    runAt: Date,
    recordClass: RecordClass,
    rule: string,
    channelId: string,
    written: Date[],
  ): Promise<void> {
    await this.audit.record(m, {
      actor: null,
      action: recordClass === 'messages' ? 'retention.messages_expired' : 'retention.attachments_expired',
      target: { type: 'channel', id: channelId },
      details: { count: written.length, rule },
    });
    const times = written.map((d) => d.getTime());
    await this.disposals.insert(m, {
      runAt,
      recordClass,
      rule,
      channelId,
      channelKind: await this.expiry.channelKind(m, channelId),
      count: written.length,
      oldest: new Date(Math.min(...times)),
      newest: new Date(Math.max(...times)),
    });
  }

  /**
   * Epochs older than the current one whose every message is gone and that no live or held record needs:
   * their keys protect nothing now. The server's copies go, and each channel's members hear which
   * (`keys.spent`), so their clients drop the keys they hold too. Returns how many copies were destroyed.
   */
  async destroySpentEpochs(): Promise<number> {
    const spent = await this.spentKeys.deleteSpentEnvelopes(this.db.manager);
    let envelopes = 0;
    for (const [channelId, { epochs, copies }] of spent) {
      envelopes += copies;
      this.notifier.toChannel(channelId, 'keys.spent', { channelId, epochs });
    }
    return envelopes;
  }
}
