import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { EntryInput, MeetingEntryCreated } from '../../contracts/meetings.js';
import { ChannelsService } from '../channels/channels.service.js';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import type { AuthContext } from '../identity/auth-context.js';
import { Notifier } from '../notifications/notifier.js';
import { requireMinuter, requireStatus } from './meeting-rules.js';
import { MeetingViewService } from './meeting-view.service.js';
import { MinutesRepository } from './minutes.repository.js';

/** Typed entries (information, decisions, actions) against agenda items, while the meeting is in progress. */
@Injectable()
export class MeetingEntriesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly channels: ChannelsService,
    private readonly events: DomainEvents,
    private readonly notifier: Notifier,
    private readonly minutes: MinutesRepository,
    private readonly view: MeetingViewService,
  ) {}

  async addEntry(auth: AuthContext, meetingId: string, dto: EntryInput): Promise<MeetingEntryCreated> {
    const id = await this.db.transaction(async (m) => {
      const { meeting } = await this.view.readable(m, auth, meetingId, true);
      requireMinuter(meeting, auth.user.id);
      requireStatus(meeting, 'in_progress', 'adding entries');
      await this.channels.assertSealedEpoch(m, meeting.channel_id, dto.content.epoch, 'content');
      const entryId = await this.minutes.insertEntry(m, meetingId, dto, auth.user.id, this.clock.now());
      const channelId = meeting.channel_id;
      this.events.afterCommit(m, () => this.notifier.toChannel(channelId, 'minutes.updated', { channelId, meetingId }));
      return entryId;
    });
    return { id };
  }
}
