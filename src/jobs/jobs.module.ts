import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module.js';
import { JobsService } from './jobs.service.js';

@Module({ imports: [AgenciesModule], providers: [JobsService], exports: [JobsService] })
export class JobsModule {}
