import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  AmendInput,
  CloseMeetingInput,
  MeetingView,
  MinutesSaved,
  MinutesVersionView,
  SaveMinutesInput,
} from '../../contracts/meetings.js';
import { AuditService } from '../audit/audit.service.js';
import { ChannelsService } from '../channels/channels.service.js';
import { conflict } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { RetentionSchedulesService } from '../retention-schedules/retention-schedules.service.js';
import { DomainEvents } from '../common/domain-events.js';
import { sealedBytes } from '../common/sealed.js';
import { minutesSigningBytes } from '../common/signed-text.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { DevicesService } from '../identity/devices.service.js';
import { Notifier } from '../notifications/notifier.js';
import { requireChair, requireMinuter, requireStatus } from './meeting-rules.js';
import { MeetingViewService } from './meeting-view.service.js';
import { MeetingsRepository } from './meetings.repository.js';
import { MinutesRepository, toMinutesVersionView } from './minutes.repository.js';

/**
 * The minutes: versioned ciphertext written while the meeting is in progress; closing locks them under
 * the chair's device signature over the final version; corrections after that are signed amendments.
 */
@Injectable()
export class MeetingMinutesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly channels: ChannelsService,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly notifier: Notifier,
    private readonly meetings: MeetingsRepository,
    private readonly minutes: MinutesRepository,
    private readonly devices: DevicesService,
    private readonly view: MeetingViewService,
    private readonly retention: RetentionSchedulesService,
  ) {}

  /** A new version of the minutes, from the version the writer started with (a stale base is refused). */
  async saveMinutes(auth: AuthContext, meetingId: string, dto: SaveMinutesInput): Promise<MinutesSaved> {
    const version = await this.db.transaction(async (m) => {
      const { meeting } = await this.view.readable(m, auth, meetingId, true);
      requireMinuter(meeting, auth.user.id);
      requireStatus(meeting, 'in_progress', 'writing minutes');
      await this.channels.assertSealedEpoch(m, meeting.channel_id, dto.minutes.epoch, 'minutes');
      const next = await this.minutes.nextVersion(m, meetingId, dto.baseVersion);
      await this.minutes.insertVersion(m, meetingId, next, dto.minutes, auth.user.id, this.clock.now());
      this.minutesUpdated(m, meeting.channel_id, meetingId);
      return next;
    });
    return { meetingId, version };
  }

  /** Every saved version of the minutes (the history behind the latest). */
  async versions(auth: AuthContext, meetingId: string): Promise<MinutesVersionView[]> {
    const m = this.db.manager;
    await this.view.readable(m, auth, meetingId);
    return (await this.minutes.versions(m, meetingId)).map(toMinutesVersionView);
  }

  /**
   * The chair closes the meeting: the latest version of the minutes, signed by the chair's device over
   * its sealed bytes and the hash of its text (which only the client can compute), is final.
   */
  async close(auth: AuthContext, meetingId: string, dto: CloseMeetingInput): Promise<MeetingView> {
    await this.db.transaction(async (m) => {
      const { meeting } = await this.view.readable(m, auth, meetingId, true);
      requireChair(meeting, auth.user.id);
      requireStatus(meeting, 'in_progress', 'closing');
      const latest = await this.minutes.latestVersion(m, meetingId);
      if (!latest) throw conflict('no_minutes', 'Write the minutes before closing the meeting.');
      if (latest.version !== dto.version) {
        throw conflict('minutes_conflict', `Sign the latest version of the minutes (${latest.version}).`, {
          latestVersion: latest.version,
        });
      }
      const textHash = Buffer.from(dto.textHash, 'base64url');
      await this.devices.assertSignedByOwnDevice(
        m,
        auth,
        dto.deviceId,
        minutesSigningBytes(meeting.id, 'final', dto.version, textHash, latest.ciphertext),
        dto.signature,
        'these minutes',
      );
      const closedAt = this.clock.now();
      await this.meetings.markClosed(m, meetingId, closedAt, {
        version: dto.version,
        textHash,
        signature: Buffer.from(dto.signature, 'base64url'),
        deviceId: dto.deviceId,
      });
      // Its minutes and decisions are kept for the period fixed when it was scheduled, from today.
      await this.retention.anchorClosure(m, 'minutes', meetingId, closedAt);
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'meeting.closed',
        target: { type: 'meeting', id: meetingId },
        details: { version: dto.version, deviceId: dto.deviceId },
        meta: auth.meta,
      });
      this.minutesUpdated(m, meeting.channel_id, meetingId);
    });
    return this.view.show(auth, meetingId);
  }

  /** A signed correction to closed minutes; the original stays as it was. */
  async amend(auth: AuthContext, meetingId: string, dto: AmendInput): Promise<MeetingView> {
    await this.db.transaction(async (m) => {
      const { meeting } = await this.view.readable(m, auth, meetingId, true);
      requireMinuter(meeting, auth.user.id);
      if (meeting.status !== 'closed') {
        throw conflict(
          'invalid_status',
          'Amendments are for closed minutes; while the meeting is in progress, edit them.',
          {
            status: meeting.status,
          },
        );
      }
      await this.channels.assertSealedEpoch(m, meeting.channel_id, dto.amendment.epoch, 'amendment');
      const next = await this.minutes.nextAmendmentNumber(m, meetingId);
      if (dto.number !== next) {
        throw conflict('amendment_conflict', `The next amendment is number ${next}: sign that one.`, { next });
      }
      const ciphertext = sealedBytes(dto.amendment);
      const textHash = Buffer.from(dto.textHash, 'base64url');
      await this.devices.assertSignedByOwnDevice(
        m,
        auth,
        dto.deviceId,
        minutesSigningBytes(meeting.id, 'amendment', dto.number, textHash, ciphertext),
        dto.signature,
        'this amendment',
      );
      await this.minutes.insertAmendment(m, meetingId, {
        number: dto.number,
        ciphertext,
        epoch: dto.amendment.epoch,
        author_id: auth.user.id,
        device_id: dto.deviceId,
        signature: Buffer.from(dto.signature, 'base64url'),
        text_hash: textHash,
        created_at: this.clock.now(),
      });
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'meeting.minutes_amended',
        target: { type: 'meeting', id: meetingId },
        details: { number: dto.number },
        meta: auth.meta,
      });
      this.minutesUpdated(m, meeting.channel_id, meetingId);
    });
    return this.view.show(auth, meetingId);
  }

  /** `signature` must be by one of the caller's own active devices over `signed`. */
  /** Members with the meeting open refetch it once the change has committed. */
  private minutesUpdated(m: EntityManager, channelId: string, meetingId: string): void {
    this.events.afterCommit(m, () => this.notifier.toChannel(channelId, 'minutes.updated', { channelId, meetingId }));
  }
}
