import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { JobRegistry } from '../common/jobs.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { DisposalsRepository } from './holds.repository.js';
import {
  classOfKind,
  EXPIRING_KINDS,
  RecordExpiryReadModel,
  type ExpiredRecord,
  type ExpiringKind,
} from './record-expiry.read-model.js';
import { RetentionService } from './retention.service.js';

export interface RecordExpiryReport {
  /** Records deleted, by kind. */
  deleted: Record<ExpiringKind, number>;
  envelopesDeleted: number;
  batches: number;
}

/** What each kind of record is called in the audit log. */
const TARGET: Record<ExpiringKind, string> = {
  minutes: 'meeting',
  referrals: 'referral',
  information_requests: 'information_request',
  actions: 'action',
  family_plans: 'family_plan_version',
  consent_records: 'consent_record',
  sharing_decisions: 'sharing_decision',
};

/** At most this many records are claimed by one expiry transaction (a record's parts go with it). */
const RECORD_CLAIM = 100;

/**
 * Expiry of dated records (issue 16; ISA 7): a closed meeting (its minutes, amendments, entries and
 * attendance), a closed referral (its subjects, ratings, shares and timeline), a closed or withdrawn
 * information request, a done or cancelled action (its updates), a version of a family's plan replaced by a
 * newer one (the progress reports made while it was current), and a superseded consent record or a family's
 * sharing decision are deleted once the date their owning agency's schedule keeps them until has passed,
 * unless a legal hold covers them. Bounded batches claimed with FOR UPDATE SKIP LOCKED
 * (src/retention/record-expiry.read-model.ts), so instances share the work and each record goes once. Each
 * batch writes, in its own transaction, an audit event per record (ids and counts) and a disposal record per
 * class and channel (rule `schedule`). Then the keys nothing needs any more go, by the spent-keys rule.
 */
@Injectable()
export class RecordExpiryService implements OnModuleInit {
  private readonly logger = new Logger(RecordExpiryService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly expiry: RecordExpiryReadModel,
    private readonly disposals: DisposalsRepository,
    private readonly retention: RetentionService,
    private readonly jobs: JobRegistry,
  ) {}

  onModuleInit(): void {
    this.jobs.register('record-expiry', () => this.expireRecords());
  }

  async expireRecords(now: Date = this.clock.now()): Promise<RecordExpiryReport> {
    const report: RecordExpiryReport = {
      deleted: Object.fromEntries(EXPIRING_KINDS.map((k) => [k, 0])) as Record<ExpiringKind, number>,
      envelopesDeleted: 0,
      batches: 0,
    };
    const limit = Math.min(RECORD_CLAIM, this.config.EXPIRY_BATCH_SIZE);
    for (const kind of EXPIRING_KINDS) {
      const cls = classOfKind(kind);
      for (;;) {
        const gone = await this.db.transaction(async (m) => {
          const records = await this.expiry.deleteExpired(m, kind, now, limit);
          const byChannel = new Map<string, ExpiredRecord[]>();
          for (const r of records) {
            byChannel.set(r.channelId, [...(byChannel.get(r.channelId) ?? []), r]);
            await this.audit.record(m, {
              actor: null,
              action: 'retention.record_expired',
              target: { type: TARGET[kind], id: r.id },
              details: { recordClass: cls, rule: 'schedule', channelId: r.channelId, ...r.parts },
            });
          }
          for (const [channelId, rs] of byChannel) {
            const times = rs.map((r) => r.createdAt.getTime());
            await this.disposals.insert(m, {
              runAt: now,
              recordClass: cls,
              rule: 'schedule',
              channelId,
              count: rs.length,
              oldest: new Date(Math.min(...times)),
              newest: new Date(Math.max(...times)),
            });
          }
          return records.length;
        });
        if (!gone) break;
        report.batches++;
        report.deleted[kind] += gone;
        if (gone < limit) break;
      }
    }
    report.envelopesDeleted = await this.retention.destroySpentEpochs();
    if (report.batches) this.logger.log(report, 'Expired records deleted');
    return report;
  }
}
