import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { RetentionAnchor, ScheduleClass } from '../../contracts/retention.js';
import { returningRows } from '../common/sql.js';

export interface OwnPeriod {
  days: number;
  setBy: string;
  setAt: Date;
}

export interface RetentionDate {
  recordClass: ScheduleClass;
  recordId: string;
  agencyId: string;
  days: number;
  anchor: RetentionAnchor;
  createdAt: Date;
  closedAt: Date | null;
  keptUntil: Date | null;
}

/** The retention_schedules table (each agency's own periods) and retention_dates (a record's fixed period). */
@Injectable()
export class RetentionSchedulesRepository {
  async periods(m: EntityManager, agencyId: string): Promise<Map<ScheduleClass, OwnPeriod>> {
    const rows = await m.query<{ record_class: ScheduleClass; days: number; set_by: string; set_at: Date }[]>(
      'SELECT record_class, days, set_by, set_at FROM retention_schedules WHERE agency_id = $1',
      [agencyId],
    );
    return new Map(rows.map((r) => [r.record_class, { days: r.days, setBy: r.set_by, setAt: r.set_at }]));
  }

  async period(m: EntityManager, agencyId: string, recordClass: ScheduleClass): Promise<number | null> {
    const [row] = await m.query<{ days: number }[]>(
      'SELECT days FROM retention_schedules WHERE agency_id = $1 AND record_class = $2',
      [agencyId, recordClass],
    );
    return row?.days ?? null;
  }

  /** Sets an agency's period for a class; returns the one it replaced (null: the default applied). */
  async set(
    m: EntityManager,
    agencyId: string,
    recordClass: ScheduleClass,
    days: number,
    by: string,
    at: Date,
  ): Promise<number | null> {
    const [before] = await m.query<{ days: number }[]>(
      'SELECT days FROM retention_schedules WHERE agency_id = $1 AND record_class = $2 FOR UPDATE',
      [agencyId, recordClass],
    );
    await m.query(
      `INSERT INTO retention_schedules (agency_id, record_class, days, set_by, set_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (agency_id, record_class) DO UPDATE SET days = $3, set_by = $4, set_at = $5`,
      [agencyId, recordClass, days, by, at],
    );
    return before?.days ?? null;
  }

  async insertDate(m: EntityManager, d: Omit<RetentionDate, 'closedAt'>): Promise<void> {
    await m.query(
      `INSERT INTO retention_dates (record_class, record_id, agency_id, days, anchor, created_at, kept_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [d.recordClass, d.recordId, d.agencyId, d.days, d.anchor, d.createdAt, d.keptUntil],
    );
  }

  /** Records the closure of a record counted from closure: kept until closure plus its fixed period. */
  async close(
    m: EntityManager,
    recordClass: ScheduleClass,
    recordId: string,
    closedAt: Date,
  ): Promise<RetentionDate | null> {
    const [row] = await returningRows<DateRow>(
      m,
      `UPDATE retention_dates SET closed_at = $3::timestamptz, kept_until = $3::timestamptz + (days * 86400) * interval '1 second'
        WHERE record_class = $1 AND record_id = $2 AND anchor = 'closure' AND closed_at IS NULL
        RETURNING ${DATE_COLUMNS}`,
      [recordClass, recordId, closedAt],
    );
    return row ? toDate(row) : null;
  }

  /** A record counted from closure has opened again (an action reopened): not dated until it closes again. */
  async reopen(m: EntityManager, recordClass: ScheduleClass, recordId: string): Promise<void> {
    await m.query(
      `UPDATE retention_dates SET closed_at = NULL, kept_until = NULL
        WHERE record_class = $1 AND record_id = $2 AND anchor = 'closure'`,
      [recordClass, recordId],
    );
  }

  async date(m: EntityManager, recordClass: ScheduleClass, recordId: string): Promise<RetentionDate | null> {
    const [row] = await m.query<DateRow[]>(
      `SELECT ${DATE_COLUMNS} FROM retention_dates WHERE record_class = $1 AND record_id = $2`,
      [recordClass, recordId],
    );
    return row ? toDate(row) : null;
  }
}

interface DateRow {
  record_class: ScheduleClass;
  record_id: string;
  agency_id: string;
  days: number;
  anchor: RetentionAnchor;
  created_at: Date;
  closed_at: Date | null;
  kept_until: Date | null;
}

const DATE_COLUMNS = 'record_class, record_id, agency_id, days, anchor, created_at, closed_at, kept_until';

const toDate = (r: DateRow): RetentionDate => ({
  recordClass: r.record_class,
  recordId: r.record_id,
  agencyId: r.agency_id,
  days: r.days,
  anchor: r.anchor,
  createdAt: r.created_at,
  closedAt: r.closed_at,
  keptUntil: r.kept_until,
});
