import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** Events other modules react to, inside the transaction that caused them. */
export type DomainEvent =
  | { type: 'agency.withdrawn'; agencyId: string }
  | { type: 'agency.suspended'; agencyId: string }
  | { type: 'user.disabled'; userId: string; agencyId: string }
  | { type: 'device.revoked'; deviceId: string; userId: string };

type Handler<E extends DomainEvent> = (event: E, manager: EntityManager) => Promise<void>;

/**
 * In-transaction domain events. A handler runs with the same EntityManager, so the change and its
 * consequences (channel removals, key rotation marks) commit together or not at all. Nothing is kept
 * between requests, so several instances behave as one.
 */
@Injectable()
export class DomainEvents {
  private readonly handlers = new Map<DomainEvent['type'], Handler<DomainEvent>[]>();

  on<T extends DomainEvent['type']>(type: T, handler: Handler<Extract<DomainEvent, { type: T }>>): void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler as Handler<DomainEvent>);
    this.handlers.set(type, list);
  }

  async emit(manager: EntityManager, event: DomainEvent): Promise<void> {
    for (const handler of this.handlers.get(event.type) ?? []) await handler(event, manager);
  }
}
