import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** A channel's counters after a batch: its new last sequence number and how many messages the batch added. */
export interface SequenceAdvance {
  channelId: string;
  lastSeq: string;
  added: number;
}

// Owner: channels (channels). The lead moves these into the channels repository.
@Injectable()
export class ChannelsTablesPending {
  /** Every channel's counters a batch advanced, in one statement (the batch holds their locks). */
  async advanceSequences(m: EntityManager, advances: SequenceAdvance[]): Promise<void> {
    await m.query(
      `UPDATE channels c SET last_seq = u.last_seq, epoch_message_count = c.epoch_message_count + u.n
         FROM unnest($1::uuid[], $2::bigint[], $3::int[]) AS u (id, last_seq, n)
        WHERE c.id = u.id`,
      [advances.map((a) => a.channelId), advances.map((a) => a.lastSeq), advances.map((a) => a.added)],
    );
  }

  /** The highest sequence number given out in a channel. */
  async lastSeq(m: EntityManager, channelId: string): Promise<number> {
    const [channel] = await m.query<{ last_seq: string }[]>('SELECT last_seq FROM channels WHERE id = $1', [channelId]);
    return Number(channel.last_seq);
  }
}
