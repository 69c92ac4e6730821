import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AccessGrantsModule } from './access-grants/access-grants.module.js';
import { ActionsModule } from './actions/actions.module.js';
import { AttachmentsModule } from './attachments/attachments.module.js';
import { AgenciesModule } from './agencies/agencies.module.js';
import { AuditModule } from './audit/audit.module.js';
import { ChannelsModule } from './channels/channels.module.js';
import { ConsentModule } from './consent/consent.module.js';
import { FamiliesModule } from './families/families.module.js';
import { InformationRequestsModule } from './information-requests/information-requests.module.js';
import { MeetingsModule } from './meetings/meetings.module.js';
import type { Clock } from './common/clock.js';
import { CommonModule } from './common/common.module.js';
import { clientRequestIdOf } from './common/request-context.js';
import type { AppConfig } from './config/config.schema.js';
import { dataSourceOptions } from './database/data-source.js';
import { HealthModule } from './health/health.module.js';
import { IdentityModule } from './identity/identity.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { LeaversModule } from './leavers/leavers.module.js';
import { LocalitiesModule } from './localities/localities.module.js';
import { MessagesModule } from './messages/messages.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { ReferralsModule } from './referrals/referrals.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { SubjectAccessModule } from './subject-access/subject-access.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { RetentionSchedulesModule } from './retention-schedules/retention-schedules.module.js';

export interface AppOptions {
  config: AppConfig;
  databaseUrl: string;
  clock: Clock;
}

@Module({})
export class AppModule {
  static forRoot({ config, databaseUrl, clock }: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CommonModule.forRoot(config, clock),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            // `assignRequestId` (the first middleware) has already set `req.id`, which pino keeps; this is
            // only a fallback. A client's X-Request-Id is never used as the id: it is logged beside it.
            genReqId: () => randomUUID(),
            // Never log credentials or bodies: only method, path, status and timing.
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
              remove: true,
            },
            serializers: {
              req: (req: { id: string; method: string; url: string; headers: IncomingHttpHeaders }) => ({
                id: req.id,
                clientRequestId: clientRequestIdOf(req.headers) ?? undefined,
                method: req.method,
                url: req.url.split('?')[0],
              }),
            },
            customProps: () => ({ service: 'strongroom' }),
          },
        }),
        TypeOrmModule.forRoot(dataSourceOptions(databaseUrl)),
        NotificationsModule,
        AuditModule,
        AgenciesModule,
        IdentityModule,
        ChannelsModule,
        MessagesModule,
        FamiliesModule,
        ConsentModule,
        MeetingsModule,
        ActionsModule,
        ReferralsModule,
        AttachmentsModule,
        InformationRequestsModule,
        RetentionModule,
        AccessGrantsModule,
        SubjectAccessModule,
        ReportsModule,
        LocalitiesModule,
        LeaversModule,
        RetentionSchedulesModule,
        RealtimeModule,
        JobsModule,
        HealthModule,
      ],
    };
  }
}
