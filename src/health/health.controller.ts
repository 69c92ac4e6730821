import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { healthView, readyView, type HealthView, type ReadyView } from '../../contracts/health.js';
import { AppError } from '../common/app-error.js';
import { ApiDoc } from '../common/zod.js';
import { Access } from '../identity/auth-context.js';
import { HealthRepository } from './health.repository.js';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly repo: HealthRepository) {}

  /** Liveness: the process answers. */
  @Get('health')
  @ApiDoc('Liveness: the process answers', healthView)
  @Access('public')
  health(): HealthView {
    return { status: 'ok' };
  }

  /** Readiness: the database answers and every migration is applied. */
  @Get('ready')
  @ApiDoc('Readiness: the database answers and every migration is applied', readyView)
  @Access('public')
  async ready(): Promise<ReadyView> {
    try {
      await this.repo.ping();
    } catch {
      throw new AppError(503, 'not_ready', 'The database is not reachable.');
    }
    if (await this.repo.migrationsPending()) throw new AppError(503, 'not_ready', 'Database migrations are pending.');
    return { status: 'ready', database: 'ok', migrations: 'applied' };
  }
}
