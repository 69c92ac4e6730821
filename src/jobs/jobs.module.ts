import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { RetentionModule } from '../retention/retention.module.js';
import { JobsService } from './jobs.service.js';

@Module({ imports: [AgenciesModule, RetentionModule], providers: [JobsService], exports: [JobsService] })
export class JobsModule {}
