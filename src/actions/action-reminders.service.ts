import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { JobRegistry } from '../common/jobs.js';
import { Notifier } from '../notifications/notifier.js';
import { ActionsRepository, type ReminderKind } from './actions.repository.js';

/** The `action-reminders` job: reminds owners of actions falling due and overdue. */
@Injectable()
export class ActionRemindersService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly notifier: Notifier,
    private readonly jobs: JobRegistry,
    private readonly actions: ActionsRepository,
  ) {}

  onModuleInit(): void {
    this.jobs.register('action-reminders', () => this.sendReminders());
  }

  /**
   * The reminder job: each live action gets one `due_soon` reminder when it falls due within two days
   * and one `overdue` reminder after its date, on whichever instance takes it (SKIP LOCKED), never twice.
   */
  async sendReminders(): Promise<number> {
    const today = this.clock.now().toISOString().slice(0, 10);
    let sent = 0;
    for (const reminder of ['overdue', 'due_soon'] as const satisfies readonly ReminderKind[]) {
      const rows = await this.db.transaction((m) => this.actions.claimReminders(m, reminder, today, this.clock.now()));
      for (const r of rows) {
        this.notifier.toUser(r.owner_id, 'action.updated', { channelId: r.channel_id, actionId: r.id, reminder });
      }
      sent += rows.length;
    }
    return sent;
  }
}
