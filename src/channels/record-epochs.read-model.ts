import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/**
 * The epochs a channel's live sealed records need (the `record_epochs` view: family details, minutes,
 * actions, the plan…), a named cross-module query (docs/ARCHITECTURE.md, data access): which epochs
 * those are depends on the families, meetings and actions modules' tables at once, and the view is the
 * one place that lists them. Used to share with a newcomer exactly the keys of the case record.
 */
@Injectable()
export class RecordEpochsReadModel {
  async of(m: EntityManager, channelId: string): Promise<number[]> {
    const rows = await m.query<{ epoch: number }[]>(
      'SELECT DISTINCT epoch FROM record_epochs WHERE channel_id = $1 ORDER BY epoch',
      [channelId],
    );
    return rows.map((r) => r.epoch);
  }
}
