import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEvents } from '../common/domain-events.js';
import { Notifier } from '../notifications/notifier.js';
import { UsersRepository } from '../identity/users.repository.js';

/**
 * Cuts live sockets the moment access ends, on every instance (the adapter carries the disconnect):
 * a revoked session, a disabled leaver, a withdrawn or suspended agency. HTTP needs no such step:
 * every request reads the session and agency afresh.
 */
@Injectable()
export class AccessWatch implements OnModuleInit {
  constructor(
    private readonly events: DomainEvents,
    private readonly notifier: Notifier,
    private readonly users: UsersRepository,
  ) {}

  onModuleInit(): void {
    this.events.on('session.revoked', (e, m) => {
      this.events.afterCommit(m, () => this.notifier.disconnectSessions(e.sessionIds, e.reason));
      return Promise.resolve();
    });
    this.events.on('user.disabled', (e, m) => {
      this.events.afterCommit(m, () => this.notifier.disconnectUser(e.userId, 'account_disabled'));
      return Promise.resolve();
    });
    for (const type of ['agency.withdrawn', 'agency.suspended'] as const) {
      this.events.on(type, async (e, m) => {
        const userIds = await this.users.idsOfAgency(m, e.agencyId);
        this.events.afterCommit(m, () => {
          for (const id of userIds) this.notifier.disconnectUser(id, type.replace('.', '_'));
        });
      });
    }
  }
}
