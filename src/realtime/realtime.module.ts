import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { AccessWatch } from './access-watch.js';
import { LiveAccess } from './live-access.js';
import { ChannelsModule } from '../channels/channels.module.js';
import { RealtimeGateway } from './realtime.gateway.js';

@Module({
  imports: [ChannelsModule, IdentityModule, MessagesModule],
  providers: [RealtimeGateway, AccessWatch, LiveAccess],
})
export class RealtimeModule {}
