import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { ChannelsRepository } from '../channels/channels.repository.js';
import { Clock } from '../common/clock.js';
import { JobRegistry } from '../common/jobs.js';
import { UsersRepository } from '../identity/users.repository.js';
import { Notifier } from '../notifications/notifier.js';
import { InformationRequestsRepository } from './information-requests.repository.js';

/**
 * The `information-request-overdue` job: a request still unanswered (requested or accepted) after its due
 * time is flagged once, on whichever instance takes it (SKIP LOCKED), audited, and both sides are told:
 * everyone in its conversation, the asked agency's admins (one who joined the agency later is not in it)
 * and the assignee. The view's `overdue` is derived from the time, never from the flag.
 */
@Injectable()
export class InformationRequestOverdueService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly notifier: Notifier,
    private readonly jobs: JobRegistry,
    private readonly audit: AuditService,
    private readonly repo: InformationRequestsRepository,
    private readonly channelMembers: ChannelsRepository,
    private readonly users: UsersRepository,
  ) {}

  onModuleInit(): void {
    this.jobs.register('information-request-overdue', () => this.flagOverdue());
  }

  /** Flags every request that has become overdue since the last run; returns how many. */
  async flagOverdue(): Promise<number> {
    const now = this.clock.now();
    const flagged = await this.db.transaction(async (m) => {
      const rows = await this.repo.claimOverdue(m, now);
      const out = [];
      for (const r of rows) {
        await this.audit.record(m, {
          actor: null,
          action: 'information_request.overdue',
          target: { type: 'information_request', id: r.id },
          details: { channelId: r.channel_id, toAgencyId: r.to_agency_id, dueAt: r.due_at.toISOString() },
        });
        const recipients = new Set([
          r.requested_by,
          ...(r.assignee_user_id ? [r.assignee_user_id] : []),
          ...(await this.channelMembers.memberIds(m, r.channel_id)),
          ...(await this.users.activeIdsWithRole(m, r.to_agency_id, ['agency_admin'])),
        ]);
        out.push({ r, recipients });
      }
      return out;
    });
    for (const { r, recipients } of flagged) {
      for (const userId of recipients) {
        this.notifier.toUser(userId, 'information_request.updated', {
          channelId: r.channel_id,
          requestId: r.id,
          state: r.state,
          reminder: 'overdue',
        });
      }
    }
    return flagged.length;
  }
}
