import { createHash, timingSafeEqual } from 'node:crypto';
import { Controller, Get, Header, Headers, Inject } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { AppError, unauthorized } from '../common/app-error.js';
import { Metrics } from '../common/metrics.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { Access } from '../identity/auth-context.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * `GET /api/metrics`: this instance's figures in Prometheus' text format, for operators with the
 * `METRICS_TOKEN` (a bearer token of its own, not a person's session). Off (404) without one.
 */
@Controller()
export class MetricsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: Metrics,
    @InjectDataSource() db: DataSource,
  ) {
    const pool = (db.driver as unknown as { master?: Pool }).master;
    if (pool) {
      metrics.poolFigures = () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
    }
  }

  @Get('metrics')
  @ApiExcludeEndpoint()
  @Access('public')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async metricsText(@Headers('authorization') authorization: string | undefined): Promise<string> {
    const token = this.config.METRICS_TOKEN;
    if (!token) throw new AppError(404, 'not_found', 'No such endpoint.');
    const given = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    if (!given || !timingSafeEqual(digest(given), digest(token))) {
      throw unauthorized('metrics_token_required', 'Metrics need the operators’ metrics token (METRICS_TOKEN).');
    }
    return this.metrics.registry.metrics();
  }
}
