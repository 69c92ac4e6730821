import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { Clock } from './clock.js';
import { DomainEvents } from './domain-events.js';
import { JobRegistry } from './jobs.js';
import { RateLimitRepository } from './rate-limit.repository.js';
import { RateLimiter } from './rate-limiter.js';

/** Process-wide singletons with no state of their own: configuration, the clock, domain events, the job list. */
@Global()
@Module({})
export class CommonModule {
  static forRoot(config: AppConfig, clock: Clock): DynamicModule {
    return {
      module: CommonModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: Clock, useValue: clock },
        DomainEvents,
        JobRegistry,
        RateLimiter,
        RateLimitRepository,
      ],
      exports: [APP_CONFIG, Clock, DomainEvents, JobRegistry, RateLimiter],
    };
  }
}
