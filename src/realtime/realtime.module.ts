import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { AccessWatch } from './access-watch.js';
import { ChannelsTablesPending } from './channels-tables.pending.js';
import { IdentityTablesPending } from './identity-tables.pending.js';
import { RealtimeGateway } from './realtime.gateway.js';

@Module({
  imports: [IdentityModule, MessagesModule],
  providers: [RealtimeGateway, AccessWatch, ChannelsTablesPending, IdentityTablesPending],
})
export class RealtimeModule {}
