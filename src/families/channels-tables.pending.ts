import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { returningRows } from '../common/sql.js';

/** Owner: channels (`channel_members`). Queries families needs on that table, moved into its repository at merge time. */
@Injectable()
export class FamiliesChannelsTables {
  /** Every channel `userId` has a membership row in (the family list shows the families of these). */
  async channelIdsOf(m: EntityManager, userId: string): Promise<string[]> {
    const rows = await m.query<{ channel_id: string }[]>('SELECT channel_id FROM channel_members WHERE user_id = $1', [
      userId,
    ]);
    return rows.map((r) => r.channel_id);
  }

  /** Makes an existing member the channel's chair; false when they are not a member (yet). */
  async makeChair(m: EntityManager, channelId: string, userId: string): Promise<boolean> {
    const updated = await returningRows(
      m,
      `UPDATE channel_members SET role = 'chair' WHERE channel_id = $1 AND user_id = $2 RETURNING user_id`,
      [channelId, userId],
    );
    return updated.length > 0;
  }
}
