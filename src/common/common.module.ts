import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { Clock } from './clock.js';
import { DomainEvents } from './domain-events.js';
import { JobRegistry } from './jobs.js';
import { Metrics } from './metrics.js';
import { RateLimitRepository } from './rate-limit.repository.js';
import { RateLimiter } from './rate-limiter.js';

/**
 * Process-wide singletons with no state another instance needs: configuration, the clock, domain events,
 * the job list, this instance's metrics.
 */
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
        Metrics,
        RateLimiter,
        RateLimitRepository,
      ],
      exports: [APP_CONFIG, Clock, DomainEvents, JobRegistry, Metrics, RateLimiter],
    };
  }
}
