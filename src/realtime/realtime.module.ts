import { Module } from '@nestjs/common';
import { IdentityModule } from '../identity/identity.module.js';
import { MessagesModule } from '../messages/messages.module.js';
import { AccessWatch } from './access-watch.js';
import { RealtimeGateway } from './realtime.gateway.js';

@Module({ imports: [IdentityModule, MessagesModule], providers: [RealtimeGateway, AccessWatch] })
export class RealtimeModule {}
