import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  EntryInput,
  EntryKind,
  MeetingEntryView,
  MinutesAmendmentView,
  MinutesVersionView,
} from '../../contracts/meetings.js';
import { onRecordIdTaken } from '../common/db-errors.js';
import { b64, sealedBytes } from '../common/sealed.js';
import { nextVersion } from '../common/versions.js';

/** A row of `minutes_versions`. */
export interface MinutesVersionRow {
  version: number;
  ciphertext: Buffer;
  epoch: number;
  author_id: string;
  created_at: Date;
}

/** A row of `minutes_amendments`. */
export interface MinutesAmendmentRow {
  number: number;
  ciphertext: Buffer;
  epoch: number;
  author_id: string;
  device_id: string;
  signature: Buffer;
  /** The hash of the amendment's text its signature covers (null for one signed before it was covered). */
  text_hash: Buffer | null;
  created_at: Date;
}

/** A row of `meeting_entries`. */
export interface MeetingEntryRow {
  id: string;
  agenda_item: string;
  kind: EntryKind;
  ciphertext: Buffer;
  epoch: number;
  author_id: string;
  created_at: Date;
}

export const toMinutesVersionView = (r: MinutesVersionRow): MinutesVersionView => ({
  version: r.version,
  epoch: r.epoch,
  ciphertext: b64(r.ciphertext),
  authorId: r.author_id,
  savedAt: r.created_at.toISOString(),
});

export const toMinutesAmendmentView = (a: MinutesAmendmentRow): MinutesAmendmentView => ({
  number: a.number,
  epoch: a.epoch,
  ciphertext: b64(a.ciphertext),
  textHash: a.text_hash ? b64(a.text_hash) : null,
  authorId: a.author_id,
  deviceId: a.device_id,
  signature: b64(a.signature),
  createdAt: a.created_at.toISOString(),
});

export const toMeetingEntryView = (e: MeetingEntryRow): MeetingEntryView => ({
  id: e.id,
  agendaItem: e.agenda_item,
  kind: e.kind,
  content: { epoch: e.epoch, ciphertext: b64(e.ciphertext) },
  authorId: e.author_id,
  createdAt: e.created_at.toISOString(),
});

const VERSION_COLUMNS = 'version, ciphertext, epoch, author_id, created_at';

/** What is written during and after a meeting: versions of the minutes, amendments and typed entries. */
@Injectable()
export class MinutesRepository {
  /**
   * The version a save from `baseVersion` makes (one more than the latest); a stale base is refused
   * with 409 `minutes_conflict`. The caller holds the meeting's row lock.
   */
  nextVersion(m: EntityManager, meetingId: string, baseVersion: number): Promise<number> {
    return nextVersion(
      m,
      'SELECT coalesce(max(version), 0)::int AS latest FROM minutes_versions WHERE meeting_id = $1',
      meetingId,
      baseVersion,
      'minutes_conflict',
      (latest) => `The minutes changed since you opened them: merge version ${latest} and save again.`,
    );
  }

  async insertVersion(
    m: EntityManager,
    meetingId: string,
    version: number,
    minutes: { epoch: number; ciphertext: string },
    authorId: string,
    at: Date,
  ): Promise<void> {
    await m.query(
      `INSERT INTO minutes_versions (meeting_id, version, ciphertext, epoch, author_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [meetingId, version, sealedBytes(minutes), minutes.epoch, authorId, at],
    );
  }

  /** The latest version of the minutes, if any has been saved. */
  async latestVersion(m: EntityManager, meetingId: string): Promise<MinutesVersionRow | null> {
    const [row] = await m.query<MinutesVersionRow[]>(
      `SELECT ${VERSION_COLUMNS} FROM minutes_versions WHERE meeting_id = $1 ORDER BY version DESC LIMIT 1`,
      [meetingId],
    );
    return row ?? null;
  }

  /** Every saved version, oldest first. */
  versions(m: EntityManager, meetingId: string): Promise<MinutesVersionRow[]> {
    return m.query<MinutesVersionRow[]>(
      `SELECT ${VERSION_COLUMNS} FROM minutes_versions WHERE meeting_id = $1 ORDER BY version`,
      [meetingId],
    );
  }

  /** The number the next amendment must carry. */
  async nextAmendmentNumber(m: EntityManager, meetingId: string): Promise<number> {
    const [{ next }] = await m.query<{ next: number }[]>(
      'SELECT coalesce(max(number), 0)::int + 1 AS next FROM minutes_amendments WHERE meeting_id = $1',
      [meetingId],
    );
    return next;
  }

  async insertAmendment(m: EntityManager, meetingId: string, a: MinutesAmendmentRow): Promise<void> {
    await m.query(
      `INSERT INTO minutes_amendments
         (meeting_id, number, ciphertext, epoch, author_id, device_id, signature, text_hash, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [meetingId, a.number, a.ciphertext, a.epoch, a.author_id, a.device_id, a.signature, a.text_hash, a.created_at],
    );
  }

  amendments(m: EntityManager, meetingId: string): Promise<MinutesAmendmentRow[]> {
    return m.query<MinutesAmendmentRow[]>('SELECT * FROM minutes_amendments WHERE meeting_id = $1 ORDER BY number', [
      meetingId,
    ]);
  }

  /** A new entry; returns its id. */
  async insertEntry(
    m: EntityManager,
    meetingId: string,
    entry: EntryInput,
    authorId: string,
    at: Date,
  ): Promise<string> {
    const [{ id }] = await m
      .query<{ id: string }[]>(
        `INSERT INTO meeting_entries (meeting_id, agenda_item, kind, ciphertext, epoch, author_id, created_at, id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [
          meetingId,
          entry.agendaItem,
          entry.kind,
          sealedBytes(entry.content),
          entry.content.epoch,
          authorId,
          at,
          entry.id,
        ],
      )
      .catch(onRecordIdTaken('meeting_entries'));
    return id;
  }

  entries(m: EntityManager, meetingId: string): Promise<MeetingEntryRow[]> {
    return m.query<MeetingEntryRow[]>('SELECT * FROM meeting_entries WHERE meeting_id = $1 ORDER BY seq', [meetingId]);
  }
}
