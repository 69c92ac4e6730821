import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

// Owner: channels (channel_members). The lead switches this to the channels facade's `channelIdsOf`.
@Injectable()
export class ChannelsTablesPending {
  /** Every channel the user is a member of (the rooms a new socket joins). */
  async channelIdsOf(m: EntityManager, userId: string): Promise<string[]> {
    const rows = await m.query<{ channel_id: string }[]>('SELECT channel_id FROM channel_members WHERE user_id = $1', [
      userId,
    ]);
    return rows.map((r) => r.channel_id);
  }
}
