import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { JobRegistry } from '../common/jobs.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { MessagesRepository } from '../messages/messages.repository.js';
import { Notifier } from '../notifications/notifier.js';
import { SpentKeysReadModel } from './spent-keys.read-model.js';

export interface ExpiryReport {
  messagesDeleted: number;
  envelopesDeleted: number;
  batches: number;
}

/**
 * Retention (DESIGN.md §4, ISA clause 7): deletes messages whose server-set `expires_at` has passed, in
 * bounded batches claimed with FOR UPDATE SKIP LOCKED, so several instances share the work and a
 * crashed one's batch is simply taken again. Disposal leaves evidence (how many, which channel, under
 * which rule) in the audit log, never content. Key envelopes of epochs that are over and have no live
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
    private readonly messages: MessagesRepository,
    private readonly spentKeys: SpentKeysReadModel,
  ) {}

  onModuleInit(): void {
    this.jobs.register('message-expiry', () => this.expireMessages());
  }

  async expireMessages(now: Date = this.clock.now()): Promise<ExpiryReport> {
    const report: ExpiryReport = { messagesDeleted: 0, envelopesDeleted: 0, batches: 0 };
    for (;;) {
      const expired = await this.db.transaction(async (m) => {
        const rows = await this.messages.deleteExpired(m, now, this.config.EXPIRY_BATCH_SIZE);
        const byChannel = new Map<string, number[]>();
        for (const r of rows) byChannel.set(r.channelId, [...(byChannel.get(r.channelId) ?? []), r.seq]);
        for (const [channelId, seqs] of byChannel) {
          await this.audit.record(m, {
            actor: null,
            action: 'retention.messages_expired',
            target: { type: 'channel', id: channelId },
            details: { count: seqs.length, rule: 'channel_retention' },
          });
        }
        return byChannel;
      });
      if (expired.size === 0) break;
      report.batches++;
      for (const [channelId, seqs] of expired) {
        report.messagesDeleted += seqs.length;
        this.notifier.toChannel(channelId, 'message.expired', { channelId, seqs: seqs.sort((a, b) => a - b) });
      }
    }
    report.envelopesDeleted = await this.destroySpentEpochs();
    if (report.messagesDeleted) this.logger.log(report, 'Expired messages deleted');
    return report;
  }

  /** Epochs older than the current one whose every message is gone: their keys protect nothing now. */
  private destroySpentEpochs(): Promise<number> {
    return this.spentKeys.deleteSpentEnvelopes(this.db.manager);
  }
}
