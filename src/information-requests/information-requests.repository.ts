import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SealedField } from '../../contracts/common.js';
import type { InformationRequestState, InformationRequestSubjectKind } from '../../contracts/information-requests.js';
import { onRecordIdTaken, onUniqueViolation } from '../common/db-errors.js';
import { conflict } from '../common/app-error.js';
import { sealedBytes } from '../common/sealed.js';
import { returningRows } from '../common/sql.js';

/** A row of `information_requests`. */
export interface InformationRequestRow {
  id: string;
  channel_id: string;
  subject_kind: InformationRequestSubjectKind;
  subject_id: string;
  to_agency_id: string;
  requested_by: string;
  requester_agency_id: string;
  state: InformationRequestState;
  due_at: Date;
  question_ciphertext: Buffer;
  question_epoch: number;
  assignee_user_id: string | null;
  response_ciphertext: Buffer | null;
  response_epoch: number | null;
  explanation_ciphertext: Buffer | null;
  explanation_epoch: number | null;
  explanation_length: number | null;
  answered_by: string | null;
  answered_at: Date | null;
  accepted_at: Date | null;
  closed_at: Date | null;
  withdrawn_at: Date | null;
  overdue_flagged_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** A new request as the service has checked it. */
export interface NewInformationRequest {
  id: string;
  channelId: string;
  subjectKind: InformationRequestSubjectKind;
  subjectId: string;
  toAgencyId: string;
  requestedBy: string;
  requesterAgencyId: string;
  dueAt: Date;
  question: SealedField;
  now: Date;
}

/** What a change of state (or an assignment) sets besides the state and the time of the change. */
export interface RequestChange {
  acceptedAt?: Date;
  answeredBy?: string;
  answeredAt?: Date;
  response?: SealedField;
  explanation?: SealedField & { length: number };
  assigneeUserId?: string;
  closedAt?: Date;
  withdrawnAt?: Date;
}

/** A request just flagged overdue, with whom to tell. */
export interface OverdueRow {
  id: string;
  channel_id: string;
  to_agency_id: string;
  requested_by: string;
  assignee_user_id: string | null;
  state: InformationRequestState;
  due_at: Date;
}

const OVERDUE_BATCH = 500;

/** `information_requests`: the requests, their state and their sealed question and answer. */
@Injectable()
export class InformationRequestsRepository {
  async insert(m: EntityManager, r: NewInformationRequest): Promise<void> {
    await m
      .query(
        `INSERT INTO information_requests (id, channel_id, subject_kind, subject_id, to_agency_id, requested_by,
           requester_agency_id, due_at, question_ciphertext, question_epoch, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
        [
          r.id,
          r.channelId,
          r.subjectKind,
          r.subjectId,
          r.toAgencyId,
          r.requestedBy,
          r.requesterAgencyId,
          r.dueAt,
          sealedBytes(r.question),
          r.question.epoch,
          r.now,
        ],
      )
      .catch(
        onUniqueViolation('information_requests_channel_id_key', () =>
          conflict('request_channel', 'That conversation already belongs to another request: make a new one.'),
        ),
      )
      .catch(onRecordIdTaken('information_requests'));
  }

  /** The request, or null; `lock` holds its row for the caller's transaction. */
  async find(m: EntityManager, id: string, lock = false): Promise<InformationRequestRow | null> {
    const [row] = await m.query<InformationRequestRow[]>(
      `SELECT * FROM information_requests WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return row ?? null;
  }

  /** Whether a request already uses this conversation. */
  async channelTaken(m: EntityManager, channelId: string): Promise<boolean> {
    const rows = await m.query<unknown[]>('SELECT 1 FROM information_requests WHERE channel_id = $1', [channelId]);
    return rows.length > 0;
  }

  /** Requests asked of `agencyId`: all of them, or only those assigned to `assigneeId` when given. */
  inbox(
    m: EntityManager,
    agencyId: string,
    assigneeId: string | null,
    state?: InformationRequestState,
  ): Promise<InformationRequestRow[]> {
    return m.query<InformationRequestRow[]>(
      `SELECT * FROM information_requests
        WHERE to_agency_id = $1 AND ($2::uuid IS NULL OR assignee_user_id = $2) AND ($3::text IS NULL OR state = $3)
        ORDER BY created_at`,
      [agencyId, assigneeId, state ?? null],
    );
  }

  /** Requests whose conversation is one of `channelIds`, asked of an agency other than `agencyId`. */
  outbox(
    m: EntityManager,
    channelIds: string[],
    agencyId: string,
    state?: InformationRequestState,
  ): Promise<InformationRequestRow[]> {
    return m.query<InformationRequestRow[]>(
      `SELECT * FROM information_requests
        WHERE channel_id = ANY ($1::uuid[]) AND to_agency_id <> $2 AND ($3::text IS NULL OR state = $3)
        ORDER BY created_at`,
      [channelIds, agencyId, state ?? null],
    );
  }

  /**
   * Moves the request to `to` (or keeps its state, for `null`) only if it is in one of `from` now, with
   * what the change sets; false when it was not (a stale transition).
   */
  async change(
    m: EntityManager,
    id: string,
    from: readonly InformationRequestState[],
    to: InformationRequestState | null,
    now: Date,
    c: RequestChange,
  ): Promise<boolean> {
    const rows = await returningRows<{ id: string }>(
      m,
      `UPDATE information_requests SET
          state = coalesce($3, state),
          updated_at = $4,
          accepted_at = coalesce($5, accepted_at),
          answered_by = coalesce($6, answered_by),
          answered_at = coalesce($7, answered_at),
          response_ciphertext = coalesce($8, response_ciphertext),
          response_epoch = coalesce($9, response_epoch),
          explanation_ciphertext = coalesce($10, explanation_ciphertext),
          explanation_epoch = coalesce($11, explanation_epoch),
          explanation_length = coalesce($12, explanation_length),
          assignee_user_id = coalesce($13, assignee_user_id),
          closed_at = coalesce($14, closed_at),
          withdrawn_at = coalesce($15, withdrawn_at)
        WHERE id = $1 AND state = ANY ($2::text[])
        RETURNING id`,
      [
        id,
        from,
        to,
        now,
        c.acceptedAt ?? null,
        c.answeredBy ?? null,
        c.answeredAt ?? null,
        c.response ? sealedBytes(c.response) : null,
        c.response?.epoch ?? null,
        c.explanation ? sealedBytes(c.explanation) : null,
        c.explanation?.epoch ?? null,
        c.explanation?.length ?? null,
        c.assigneeUserId ?? null,
        c.closedAt ?? null,
        c.withdrawnAt ?? null,
      ],
    );
    return rows.length > 0;
  }

  /**
   * Claims up to a batch of requests still unanswered after their due time and not yet flagged, and marks
   * them flagged at `now`, skipping rows another instance holds (SKIP LOCKED): each is flagged once.
   */
  claimOverdue(m: EntityManager, now: Date): Promise<OverdueRow[]> {
    return returningRows<OverdueRow>(
      m,
      `WITH due AS (
         SELECT id FROM information_requests
          WHERE state IN ('requested','accepted') AND overdue_flagged_at IS NULL AND due_at < $1
          ORDER BY due_at LIMIT ${OVERDUE_BATCH} FOR UPDATE SKIP LOCKED
       )
       UPDATE information_requests r SET overdue_flagged_at = $1 FROM due WHERE r.id = due.id
       RETURNING r.id, r.channel_id, r.to_agency_id, r.requested_by, r.assignee_user_id, r.state, r.due_at`,
      [now],
    );
  }
}
