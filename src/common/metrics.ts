import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the database pool holds at a scrape. */
export interface PoolFigures {
  total: number;
  idle: number;
  waiting: number;
}

/**
 * This instance's figures for operators, in Prometheus' format (`GET /api/metrics`). Each instance counts
 * its own, as Prometheus expects: it scrapes every instance and adds them up; nothing here is shared
 * or needed by another instance. Only counts and timings: never who, what channel, or any content.
 * Its own registry, so several applications in one process (the tests) do not mix their figures.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  /** From a send's arrival to its acknowledgement (stored, or refused by the batch). */
  readonly sendSeconds = new Histogram({
    name: 'strongroom_send_duration_seconds',
    help: 'Time from a message send arriving to its acknowledgement, in seconds',
    labelNames: ['outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly sendBatchSize = new Histogram({
    name: 'strongroom_send_batch_size',
    help: 'Sends stored together in one database transaction',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000],
    registers: [this.registry],
  });

  readonly jobSeconds = new Histogram({
    name: 'strongroom_job_duration_seconds',
    help: 'How long each periodic job took, in seconds',
    labelNames: ['job'],
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [this.registry],
  });

  readonly jobLastSuccess = new Gauge({
    name: 'strongroom_job_last_success_timestamp_seconds',
    help: 'When each periodic job last finished without an error (Unix time); its lag is time() minus this',
    labelNames: ['job'],
    registers: [this.registry],
  });

  readonly jobFailures = new Counter({
    name: 'strongroom_job_failures_total',
    help: 'Runs of each periodic job that failed',
    labelNames: ['job'],
    registers: [this.registry],
  });

  /** Set by the socket gateway once it starts. */
  socketCount: () => number = () => 0;
  /** Set by whoever holds the database pool. */
  poolFigures: () => PoolFigures | null = () => null;

  constructor() {
    const sockets = () => this.socketCount();
    const figures = () => this.poolFigures();
    new Gauge({
      name: 'strongroom_sockets_connected',
      help: 'Sockets connected to this instance',
      registers: [this.registry],
      collect() {
        this.set(sockets());
      },
    });
    const pool = (name: string, help: string, pick: (p: PoolFigures) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const now = figures();
          if (now) this.set(pick(now));
        },
      });
    pool('strongroom_db_pool_connections', 'Database connections this instance holds open', (p) => p.total);
    pool('strongroom_db_pool_idle', 'Database connections open and idle', (p) => p.idle);
    pool('strongroom_db_pool_waiting', 'Queries waiting for a database connection', (p) => p.waiting);
    collectDefaultMetrics({ register: this.registry, prefix: 'strongroom_' });
  }

  /** Times a job run into the histogram, the last-success time and the failure count. */
  async timeJob(job: string, run: () => Promise<unknown>): Promise<void> {
    const end = this.jobSeconds.startTimer({ job });
    try {
      await run();
      this.jobLastSuccess.set({ job }, Date.now() / 1000);
    } catch (err) {
      this.jobFailures.inc({ job });
      throw err;
    } finally {
      end();
    }
  }
}
