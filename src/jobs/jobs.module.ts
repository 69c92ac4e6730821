import { Module } from '@nestjs/common';
import { JobsService } from './jobs.service.js';

/** Runs the periodic jobs that modules register with `JobRegistry` (src/common/jobs.ts). */
@Module({ providers: [JobsService], exports: [JobsService] })
export class JobsModule {}
