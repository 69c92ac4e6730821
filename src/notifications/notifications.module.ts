import { Global, Module } from '@nestjs/common';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsRepository } from './notifications.repository.js';
import { NotificationsService } from './notifications.service.js';
import { Notifier } from './notifier.js';

/**
 * The one way services reach people: `Notifier` for connected clients, `NotificationsService` for each
 * person's kept list. Global so any module can notify without a cycle.
 */
@Global()
@Module({
  providers: [Notifier, NotificationsRepository, NotificationsService],
  controllers: [NotificationsController],
  exports: [Notifier, NotificationsService],
})
export class NotificationsModule {}
