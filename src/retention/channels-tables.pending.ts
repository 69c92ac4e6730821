import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { returningRows } from '../common/sql.js';

// Owner: channels (key_envelopes). The lead switches this to the channels facade's `deleteSpentEnvelopes`.
@Injectable()
export class ChannelsTablesPending {
  /**
   * Key envelopes of epochs older than the current one whose every message is gone: their keys
   * protect nothing now. Returns how many were deleted.
   */
  async deleteSpentEnvelopes(m: EntityManager): Promise<number> {
    const rows = await returningRows<{ channel_id: string }>(
      m,
      `DELETE FROM key_envelopes k
        USING channels c
        WHERE c.id = k.channel_id AND k.epoch < c.current_epoch
          AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.channel_id = k.channel_id AND m.epoch = k.epoch)
        RETURNING k.channel_id`,
    );
    return rows.length;
  }
}
