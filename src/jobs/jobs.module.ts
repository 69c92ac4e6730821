import { Module } from '@nestjs/common';
import { ActionsModule } from '../actions/actions.module.js';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { RetentionModule } from '../retention/retention.module.js';
import { JobsService } from './jobs.service.js';

@Module({ imports: [AgenciesModule, RetentionModule, ActionsModule], providers: [JobsService], exports: [JobsService] })
export class JobsModule {}
