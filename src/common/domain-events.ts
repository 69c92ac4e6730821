import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner } from 'typeorm';

/**
 * Events other modules react to, inside the transaction that caused them, by type. Empty here: the
 * module that emits an event declares it in its own `<feature>.events.ts`, by augmenting this interface
 * (`declare module '../common/domain-events.js' { interface DomainEventMap { … } }`), so a new domain
 * adds its events without editing a central list.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by declaration merging
export interface DomainEventMap {}

/** One event: its type and its payload. */
export type DomainEvent = { [K in keyof DomainEventMap]: { type: K } & DomainEventMap[K] }[keyof DomainEventMap];

type Handler<E extends DomainEvent> = (event: E, manager: EntityManager) => Promise<void>;

/**
 * In-transaction domain events. A handler runs with the same EntityManager, so the change and its
 * consequences (channel removals, key rotation marks) commit together or not at all. Work that must
 * only happen once the change is durable (telling sockets, cutting connections) is queued with
 * `afterCommit` and runs after COMMIT, never after a rollback. Nothing is kept between requests, so
 * several instances behave as one.
 */
@Injectable()
export class DomainEvents implements OnModuleInit {
  private readonly logger = new Logger(DomainEvents.name);
  private readonly handlers = new Map<DomainEvent['type'], Handler<DomainEvent>[]>();
  private readonly pending = new WeakMap<QueryRunner, (() => Promise<void> | void)[]>();

  constructor(@InjectDataSource() private readonly db: DataSource) {}

  onModuleInit(): void {
    const subscriber: EntitySubscriberInterface = {
      afterTransactionCommit: ({ queryRunner }) => {
        if (queryRunner.isTransactionActive) return; // a savepoint released; the outer transaction goes on
        const jobs = this.pending.get(queryRunner);
        this.pending.delete(queryRunner);
        for (const job of jobs ?? []) {
          // Not awaited: the commit is done, and a slow or failing notification must not fail the request.
          void Promise.resolve()
            .then(job)
            .catch((err: unknown) => this.logger.error({ err }, 'after-commit job failed'));
        }
      },
      afterTransactionRollback: ({ queryRunner }) => {
        if (!queryRunner.isTransactionActive) this.pending.delete(queryRunner);
      },
    };
    this.db.subscribers.push(subscriber);
  }

  on<T extends DomainEvent['type']>(type: T, handler: Handler<Extract<DomainEvent, { type: T }>>): void {
    const list = this.handlers.get(type) ?? [];
    list.push(handler as Handler<DomainEvent>);
    this.handlers.set(type, list);
  }

  async emit(manager: EntityManager, event: DomainEvent): Promise<void> {
    for (const handler of this.handlers.get(event.type) ?? []) await handler(event, manager);
  }

  /** Runs `job` once the transaction of `manager` commits; drops it if the transaction rolls back. */
  afterCommit(manager: EntityManager, job: () => Promise<void> | void): void {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) {
      void Promise.resolve()
        .then(job)
        .catch((err: unknown) => this.logger.error({ err }, 'after-commit job failed'));
      return;
    }
    const jobs = this.pending.get(runner) ?? [];
    jobs.push(job);
    this.pending.set(runner, jobs);
  }
}
