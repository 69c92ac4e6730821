import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ReadPositionView } from '../../contracts/channels.js';
import { Clock } from '../common/clock.js';
import type { AuthContext } from '../identity/auth-context.js';
import { Notifier } from '../notifications/notifier.js';
import { ChannelAccessService } from './channel-access.service.js';
import { ChannelListReadModel } from './channel-list.read-model.js';
import { membershipRefusal, readPositionRefusal } from './channel-rules.js';
import { ChannelsRepository } from './channels.repository.js';

/**
 * Read positions: how far a person has read in each channel, so every tab and device of theirs shows
 * the same unread counts. One position per person, not per device, and it only moves forward: a
 * device that catches up late cannot make read messages unread again.
 */
@Injectable()
export class ChannelReadsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly access: ChannelAccessService,
    private readonly repo: ChannelsRepository,
    private readonly list: ChannelListReadModel,
    private readonly notifier: Notifier,
  ) {}

  /**
   * Marks the channel read up to `seq` for the caller (a member who may read it now, as for fetching
   * messages). Asking for a position at or before the current one changes nothing and tells no one; a
   * move is told to the caller's own sockets (`channel.read`), on every instance, once it is stored.
   */
  async markRead(auth: AuthContext, channelId: string, seq: number): Promise<ReadPositionView> {
    const { view, moved } = await this.db.transaction(async (m) => {
      await this.access.membership(m, channelId, auth.user.id);
      const refusal = readPositionRefusal(seq, await this.repo.lastSeq(m, channelId));
      if (refusal) throw refusal;
      const moved = await this.repo.advanceReadSeq(m, channelId, auth.user.id, seq);
      const [summary] = await this.list.summaries(m, auth.user.id, this.clock.now(), channelId);
      // Removed since the check above (each statement sees the latest commits): the refusal they now get.
      if (!summary) throw membershipRefusal(null, true, this.clock.now())!;
      const view: ReadPositionView = { channelId, readSeq: summary.readSeq, unreadCount: summary.unreadCount };
      return { view, moved };
    });
    if (moved) this.notifier.toUser(auth.user.id, 'channel.read', view);
    return view;
  }
}
