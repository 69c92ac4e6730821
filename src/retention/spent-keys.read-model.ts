import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { returningRows } from '../common/sql.js';

/**
 * Which epochs' keys nothing needs any more, and their destruction: a named cross-module query (see
 * docs/ARCHITECTURE.md, data access). Whether an epoch is spent depends on the channels module's
 * epochs and on everything sealed under them: the messages module's messages, and every sealed record
 * of the families, meetings and actions modules (the `record_epochs` view lists them), so it is one
 * set-based statement over every channel rather than a question put to each module epoch by epoch.
 */
@Injectable()
export class SpentKeysReadModel {
  /**
   * Destroys the key envelopes of epochs older than their channel's current one whose every message is
   * gone and that no live sealed record references: their keys open nothing now. A key a record needs
   * is never destroyed, however old. By channel: the epochs destroyed (so that the members' clients
   * can drop those keys too) and how many copies of their keys (one per device) went.
   */
  async deleteSpentEnvelopes(m: EntityManager): Promise<Map<string, { epochs: number[]; copies: number }>> {
    const rows = await returningRows<{ channel_id: string; epoch: number }>(
      m,
      `DELETE FROM key_envelopes k
        USING channels c
        WHERE c.id = k.channel_id AND k.epoch < c.current_epoch
          AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.channel_id = k.channel_id AND m.epoch = k.epoch)
          AND NOT EXISTS (SELECT 1 FROM record_epochs r WHERE r.channel_id = k.channel_id AND r.epoch = k.epoch)
        RETURNING k.channel_id, k.epoch`,
    );
    const spent = new Map<string, { epochs: number[]; copies: number }>();
    for (const r of rows) {
      const s = spent.get(r.channel_id) ?? { epochs: [], copies: 0 };
      if (!s.epochs.includes(Number(r.epoch))) s.epochs.push(Number(r.epoch));
      s.copies++;
      spent.set(r.channel_id, s);
    }
    for (const s of spent.values()) s.epochs.sort((a, b) => a - b);
    return spent;
  }
}
