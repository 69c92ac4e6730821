import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RequesterType, SubjectAccessStatus } from '../../contracts/subject-access.js';
import { returningRows } from '../common/sql.js';

/** A row of `subject_access_requests`; dates as `YYYY-MM-DD` text. */
export interface RequestRow {
  id: string;
  agency_id: string;
  received_on: string;
  requester_type: RequesterType;
  deadline_on: string;
  extension_months: number | null;
  extension_reason: string | null;
  extended_by: string | null;
  extended_at: Date | null;
  status: SubjectAccessStatus;
  created_by: string;
  created_at: Date;
}

/** A row of `subject_access_subjects`: one family, or one member of it. */
export interface SubjectRow {
  request_id: string;
  family_id: string;
  family_ref: string;
  member_id: string | null;
  member_ref: string | null;
}

/** A row of `subject_access_consultations`, with its request's agency. */
export interface ConsultationRow {
  id: string;
  request_id: string;
  agency_id: string;
  requesting_agency_id: string;
  due_on: string;
  created_by: string;
  created_at: Date;
  done_at: Date | null;
  done_by: string | null;
}

const REQUEST_COLUMNS = `id, agency_id, received_on::text AS received_on, requester_type, deadline_on::text AS deadline_on,
  extension_months, extension_reason, extended_by, extended_at, status, created_by, created_at`;
const CONSULTATION_COLUMNS = `c.id, c.request_id, c.agency_id, r.agency_id AS requesting_agency_id,
  c.due_on::text AS due_on, c.created_by, c.created_at, c.done_at, c.done_by`;

/** The subject-access register: every query on its three tables. */
@Injectable()
export class SubjectAccessRepository {
  async insert(
    m: EntityManager,
    r: {
      agencyId: string;
      receivedOn: string;
      requesterType: RequesterType;
      deadlineOn: string;
      createdBy: string;
      at: Date;
      subjects: Omit<SubjectRow, 'request_id'>[];
    },
  ): Promise<string> {
    const [{ id }] = await m.query<{ id: string }[]>(
      `INSERT INTO subject_access_requests (agency_id, received_on, requester_type, deadline_on, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [r.agencyId, r.receivedOn, r.requesterType, r.deadlineOn, r.createdBy, r.at],
    );
    await m.query(
      `INSERT INTO subject_access_subjects (request_id, place, family_id, family_ref, member_id, member_ref)
       SELECT $1, s.place, s.family_id, s.family_ref, s.member_id, s.member_ref
         FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::text[]) WITH ORDINALITY
              AS s(family_id, family_ref, member_id, member_ref, place)`,
      [
        id,
        r.subjects.map((s) => s.family_id),
        r.subjects.map((s) => s.family_ref),
        r.subjects.map((s) => s.member_id),
        r.subjects.map((s) => s.member_ref),
      ],
    );
    return id;
  }

  async get(m: EntityManager, id: string, lock = false): Promise<RequestRow | null> {
    const [row] = await m.query<RequestRow[]>(
      `SELECT ${REQUEST_COLUMNS} FROM subject_access_requests WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return row ?? null;
  }

  /** An agency's requests (every agency's when `agencyId` is null), the nearest deadline first. */
  list(
    m: EntityManager,
    q: { agencyId: string | null; status?: SubjectAccessStatus; overdueOn?: string },
  ): Promise<RequestRow[]> {
    return m.query<RequestRow[]>(
      `SELECT ${REQUEST_COLUMNS} FROM subject_access_requests
        WHERE ($1::uuid IS NULL OR agency_id = $1) AND ($2::text IS NULL OR status = $2)
          AND ($3::date IS NULL OR (status = 'open' AND deadline_on < $3))
        ORDER BY deadline_on, created_at, id`,
      [q.agencyId, q.status ?? null, q.overdueOn ?? null],
    );
  }

  subjects(m: EntityManager, requestIds: string[]): Promise<SubjectRow[]> {
    return m.query<SubjectRow[]>(
      `SELECT request_id, family_id, family_ref, member_id, member_ref FROM subject_access_subjects
        WHERE request_id = ANY ($1::uuid[]) ORDER BY request_id, place`,
      [requestIds],
    );
  }

  /** Extends an open request that was never extended; null when it is not open or was extended already. */
  async extend(
    m: EntityManager,
    id: string,
    e: { months: number; reason: string; by: string; at: Date; deadlineOn: string },
  ): Promise<boolean> {
    const rows = await returningRows<{ id: string }>(
      m,
      `UPDATE subject_access_requests
          SET extension_months = $2, extension_reason = $3, extended_by = $4, extended_at = $5, deadline_on = $6
        WHERE id = $1 AND extension_months IS NULL AND status = 'open' RETURNING id`,
      [id, e.months, e.reason, e.by, e.at, e.deadlineOn],
    );
    return rows.length === 1;
  }

  async setStatus(m: EntityManager, id: string, status: SubjectAccessStatus): Promise<void> {
    await m.query('UPDATE subject_access_requests SET status = $2 WHERE id = $1', [id, status]);
  }

  /** Adds a consultation task; null when that agency has one for this request already. */
  async insertConsultation(
    m: EntityManager,
    c: { requestId: string; agencyId: string; dueOn: string; createdBy: string; at: Date },
  ): Promise<string | null> {
    const [row] = await returningRows<{ id: string }>(
      m,
      `INSERT INTO subject_access_consultations (request_id, agency_id, due_on, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (request_id, agency_id) DO NOTHING RETURNING id`,
      [c.requestId, c.agencyId, c.dueOn, c.createdBy, c.at],
    );
    return row?.id ?? null;
  }

  async consultation(m: EntityManager, id: string, lock = false): Promise<ConsultationRow | null> {
    const [row] = await m.query<ConsultationRow[]>(
      `SELECT ${CONSULTATION_COLUMNS} FROM subject_access_consultations c
         JOIN subject_access_requests r ON r.id = c.request_id
        WHERE c.id = $1 ${lock ? 'FOR UPDATE OF c' : ''}`,
      [id],
    );
    return row ?? null;
  }

  /** Consultation tasks of some requests. */
  consultationsOf(m: EntityManager, requestIds: string[]): Promise<ConsultationRow[]> {
    return m.query<ConsultationRow[]>(
      `SELECT ${CONSULTATION_COLUMNS} FROM subject_access_consultations c
         JOIN subject_access_requests r ON r.id = c.request_id
        WHERE c.request_id = ANY ($1::uuid[]) ORDER BY c.due_on, c.created_at, c.id`,
      [requestIds],
    );
  }

  /** The tasks asked of an agency (of every agency when null), the nearest due day first. */
  consultationsFor(m: EntityManager, agencyId: string | null, openOnly: boolean): Promise<ConsultationRow[]> {
    return m.query<ConsultationRow[]>(
      `SELECT ${CONSULTATION_COLUMNS} FROM subject_access_consultations c
         JOIN subject_access_requests r ON r.id = c.request_id
        WHERE ($1::uuid IS NULL OR c.agency_id = $1) AND ($2::boolean IS FALSE OR c.done_at IS NULL)
        ORDER BY c.due_on, c.created_at, c.id`,
      [agencyId, openOnly],
    );
  }

  async markDone(m: EntityManager, id: string, by: string, at: Date): Promise<boolean> {
    const rows = await returningRows<{ id: string }>(
      m,
      `UPDATE subject_access_consultations SET done_at = $2, done_by = $3 WHERE id = $1 AND done_at IS NULL RETURNING id`,
      [id, at, by],
    );
    return rows.length === 1;
  }
}
