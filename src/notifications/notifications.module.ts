import { Global, Module } from '@nestjs/common';
import { Notifier } from './notifier.js';

/** The one way services reach connected clients; global so any module can notify without a cycle. */
@Global()
@Module({ providers: [Notifier], exports: [Notifier] })
export class NotificationsModule {}
