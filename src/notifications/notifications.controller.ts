import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  notificationsQuery,
  notificationsRead,
  notificationView,
  unreadCount,
  type NotificationsQuery,
  type NotificationsRead,
  type NotificationView,
  type UnreadCount,
} from '../../contracts/notifications.js';
import { ApiDoc, ApiZodQuery, emptyBodySchema, uuidParam, zodPipe } from '../common/zod.js';
import { Auth, type AuthContext } from '../identity/auth-context.js';
import { NotificationsService } from './notifications.service.js';

/** The caller's own notifications: listed newest first, counted, marked read. Nobody sees anyone else's. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiDoc('Your notifications, newest first (unread=true for those not read yet)', z.array(notificationView))
  @ApiZodQuery(notificationsQuery)
  list(
    @Auth() auth: AuthContext,
    @Query(zodPipe(notificationsQuery)) q: NotificationsQuery,
  ): Promise<NotificationView[]> {
    return this.notifications.list(auth, q.unread);
  }

  @Get('unread-count')
  @ApiDoc('How many of your notifications are not read yet', unreadCount)
  async count(@Auth() auth: AuthContext): Promise<UnreadCount> {
    return { unread: await this.notifications.unreadCount(auth) };
  }

  @Post('read')
  @HttpCode(200)
  @ApiDoc('Mark all your notifications read', notificationsRead)
  readAll(@Auth() auth: AuthContext, @Body(zodPipe(emptyBodySchema)) _: unknown): Promise<NotificationsRead> {
    return this.notifications.markRead(auth, null);
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiDoc('Mark one of your notifications read', notificationsRead)
  read(
    @Auth() auth: AuthContext,
    @Param('id', uuidParam) id: string,
    @Body(zodPipe(emptyBodySchema)) _: unknown,
  ): Promise<NotificationsRead> {
    return this.notifications.markRead(auth, id);
  }
}
