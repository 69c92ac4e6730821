import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SealedField } from '../../contracts/common.js';
import type { LawfulBasisKind } from '../../contracts/consent.js';
import type {
  FamilyConsent,
  QueueEntryView,
  RagRating,
  ReferralDecision,
  ReferralEventKind,
  ReferralEventView,
  ReferralRatingView,
  ReferralReceipt,
  ReferralShareBasis,
  ReferralShareView,
  ReferralState,
  ReferralSubjectRole,
  ReferralSubjectView,
  ReferralUrgency,
  ReferralView,
} from '../../contracts/referrals.js';
import { onRecordIdTaken } from '../common/db-errors.js';
import { sealedBytes, sealedView } from '../common/sealed.js';
import { returningRows } from '../common/sql.js';

/** A row of `referrals`. */
export interface ReferralRow {
  id: string;
  ref: string | null;
  channel_id: string;
  hub_agency_id: string;
  referrer_user_id: string;
  referrer_agency_id: string;
  state: ReferralState;
  categories: string[];
  urgency: ReferralUrgency | null;
  family_consent: FamilyConsent | null;
  content: Buffer | null;
  content_epoch: number | null;
  received_at: Date | null;
  acknowledged_at: Date | null;
  assigned_to: string | null;
  claimed_at: Date | null;
  rag: RagRating | null;
  rated_at: Date | null;
  deadline_at: Date | null;
  decision: ReferralDecision | null;
  decision_rationale: Buffer | null;
  decision_rationale_epoch: number | null;
  decided_by: string | null;
  decided_at: Date | null;
  family_id: string | null;
  closed_by: string | null;
  closed_at: Date | null;
  created_at: Date;
}

interface SubjectRow {
  id: string;
  role: ReferralSubjectRole;
  details: Buffer;
  details_epoch: number;
}

interface RatingRow {
  id: string;
  rag: RagRating;
  rationale: Buffer;
  rationale_epoch: number;
  rated_by: string;
  rated_at: Date;
  deadline_at: Date;
}

interface ShareRow {
  id: string;
  user_id: string;
  agency_id: string;
  basis: ReferralShareBasis;
  lawful_basis: LawfulBasisKind | null;
  justification: Buffer | null;
  justification_epoch: number | null;
  shared_by: string;
  shared_at: Date;
}

interface EventRow {
  kind: ReferralEventKind;
  actor_user_id: string | null;
  at: Date;
  details: Record<string, unknown>;
}

export type ReferralReminderKind = 'due_soon' | 'overdue';

/** One referral whose reminder this instance took: to its assigned worker (if any) and the hub. */
export interface ReferralReminderRow {
  id: string;
  ref: string;
  state: ReferralState;
  channel_id: string;
  hub_agency_id: string;
  assigned_to: string | null;
}

const REMINDER_BATCH = 200;
const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

export function toReceipt(r: ReferralRow): ReferralReceipt {
  return {
    id: r.id,
    ref: r.ref,
    state: r.state,
    referrerUserId: r.referrer_user_id,
    referrerAgencyId: r.referrer_agency_id,
    categories: r.categories,
    urgency: r.urgency,
    receivedAt: iso(r.received_at),
    acknowledgedAt: iso(r.acknowledged_at),
    rag: r.rag,
    ratedAt: iso(r.rated_at),
    decision: r.decision,
    decidedAt: iso(r.decided_at),
    closedAt: iso(r.closed_at),
  };
}

export function toReferralView(
  r: ReferralRow,
  parts: { subjects: SubjectRow[]; ratings: RatingRow[]; shares: ShareRow[]; events: EventRow[] },
  now: Date,
): ReferralView {
  return {
    ...toReceipt(r),
    channelId: r.channel_id,
    hubAgencyId: r.hub_agency_id,
    familyConsent: r.family_consent,
    subjects: parts.subjects.map((s): ReferralSubjectView => ({
      id: s.id,
      role: s.role,
      details: sealedView(s.details, s.details_epoch)!,
    })),
    content: sealedView(r.content, r.content_epoch),
    assignedTo: r.assigned_to,
    claimedAt: iso(r.claimed_at),
    deadlineAt: iso(r.deadline_at),
    overdue: isOverdue(r, now),
    ratings: parts.ratings.map((x): ReferralRatingView => ({
      id: x.id,
      rag: x.rag,
      rationale: sealedView(x.rationale, x.rationale_epoch)!,
      ratedBy: x.rated_by,
      ratedAt: x.rated_at.toISOString(),
      deadlineAt: x.deadline_at.toISOString(),
    })),
    shares: parts.shares.map((x): ReferralShareView => ({
      id: x.id,
      userId: x.user_id,
      agencyId: x.agency_id,
      basis: x.basis,
      lawfulBasis: x.lawful_basis,
      justification: sealedView(x.justification, x.justification_epoch),
      sharedBy: x.shared_by,
      sharedAt: x.shared_at.toISOString(),
    })),
    decisionRationale: sealedView(r.decision_rationale, r.decision_rationale_epoch),
    decidedBy: r.decided_by,
    familyId: r.family_id,
    timeline: parts.events.map((e): ReferralEventView => ({
      kind: e.kind,
      actorUserId: e.actor_user_id,
      at: e.at.toISOString(),
      details: e.details,
    })),
  };
}

/** Screening is overdue while the referral is open (received, screening or gathering) past its deadline. */
export function isOverdue(r: Pick<ReferralRow, 'state' | 'deadline_at'>, now: Date): boolean {
  return (
    (r.state === 'received' || r.state === 'screening' || r.state === 'information_gathering') &&
    r.deadline_at !== null &&
    r.deadline_at <= now
  );
}

/**
 * Referrals and everything kept with them: every query on `referrals`, `referral_subjects`,
 * `referral_ratings`, `referral_shares`, `referral_events` and `referral_ref_counters`.
 */
@Injectable()
export class ReferralsRepository {
  /**
   * The next reference number of `year` (1 for the first). The counter row is taken under its lock in
   * the submitting transaction: concurrent submissions on any instance get consecutive numbers, and a
   * submission that rolls back gives its number back, so there are no gaps.
   */
  async nextRefNumber(m: EntityManager, year: number): Promise<number> {
    const [{ last }] = await m.query<{ last: number }[]>(
      `INSERT INTO referral_ref_counters (year, last) VALUES ($1, 1)
       ON CONFLICT (year) DO UPDATE SET last = referral_ref_counters.last + 1 RETURNING last`,
      [year],
    );
    return last;
  }

  async insertDraft(
    m: EntityManager,
    r: {
      id: string;
      channelId: string;
      hubAgencyId: string;
      referrerUserId: string;
      referrerAgencyId: string;
      createdAt: Date;
    },
  ): Promise<void> {
    await m
      .query(
        `INSERT INTO referrals (id, channel_id, hub_agency_id, referrer_user_id, referrer_agency_id, state, created_at)
         VALUES ($1, $2, $3, $4, $5, 'draft', $6)`,
        [r.id, r.channelId, r.hubAgencyId, r.referrerUserId, r.referrerAgencyId, r.createdAt],
      )
      .catch(onRecordIdTaken('referrals'));
  }

  /** The referral, locked for update when `lock` (every change serialises on it); null if none. */
  async find(m: EntityManager, id: string, lock = false): Promise<ReferralRow | null> {
    const [row] = await m.query<ReferralRow[]>(`SELECT * FROM referrals WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [
      id,
    ]);
    return row ?? null;
  }

  async idByRef(m: EntityManager, ref: string): Promise<string | null> {
    const [row] = await m.query<{ id: string }[]>('SELECT id FROM referrals WHERE ref = $1', [ref]);
    return row?.id ?? null;
  }

  async byChannel(m: EntityManager, channelId: string): Promise<ReferralRow | null> {
    const [row] = await m.query<ReferralRow[]>('SELECT * FROM referrals WHERE channel_id = $1', [channelId]);
    return row ?? null;
  }

  async submit(
    m: EntityManager,
    id: string,
    s: {
      ref: string;
      categories: string[];
      urgency: ReferralUrgency;
      familyConsent: FamilyConsent;
      content: SealedField;
      receivedAt: Date;
      deadlineAt: Date;
    },
  ): Promise<void> {
    await m.query(
      `UPDATE referrals SET state = 'received', ref = $2, categories = $3, urgency = $4, family_consent = $5,
              content = $6, content_epoch = $7, received_at = $8, acknowledged_at = $8, deadline_at = $9
        WHERE id = $1`,
      [
        id,
        s.ref,
        s.categories,
        s.urgency,
        s.familyConsent,
        sealedBytes(s.content),
        s.content.epoch,
        s.receivedAt,
        s.deadlineAt,
      ],
    );
  }

  async insertSubjects(
    m: EntityManager,
    referralId: string,
    subjects: { id: string; role: ReferralSubjectRole; details: SealedField }[],
  ): Promise<void> {
    let position = 0;
    for (const s of subjects) {
      await m
        .query(
          `INSERT INTO referral_subjects (id, referral_id, position, role, details, details_epoch)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [s.id, referralId, position++, s.role, sealedBytes(s.details), s.details.epoch],
        )
        .catch(onRecordIdTaken('referral_subjects'));
    }
  }

  async claim(m: EntityManager, id: string, userId: string, at: Date, state: ReferralState): Promise<void> {
    await m.query('UPDATE referrals SET assigned_to = $2, claimed_at = $3, state = $4 WHERE id = $1', [
      id,
      userId,
      at,
      state,
    ]);
  }

  /** A new rating: kept in the ratings' history, and the referral's current rating and deadline move. */
  async rate(
    m: EntityManager,
    referralId: string,
    r: { id: string; rag: RagRating; rationale: SealedField; ratedBy: string; ratedAt: Date; deadlineAt: Date },
  ): Promise<void> {
    await m
      .query(
        `INSERT INTO referral_ratings (id, referral_id, rag, rationale, rationale_epoch, rated_by, rated_at, deadline_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [r.id, referralId, r.rag, sealedBytes(r.rationale), r.rationale.epoch, r.ratedBy, r.ratedAt, r.deadlineAt],
      )
      .catch(onRecordIdTaken('referral_ratings'));
    // A moved deadline earns its reminders again.
    await m.query(
      `UPDATE referrals SET rag = $2, rated_at = $3, deadline_at = $4,
              due_soon_notified_at = CASE WHEN deadline_at = $4 THEN due_soon_notified_at END,
              overdue_notified_at = CASE WHEN deadline_at = $4 THEN overdue_notified_at END
        WHERE id = $1`,
      [referralId, r.rag, r.ratedAt, r.deadlineAt],
    );
  }

  async setState(m: EntityManager, id: string, state: ReferralState): Promise<void> {
    await m.query('UPDATE referrals SET state = $2 WHERE id = $1', [id, state]);
  }

  async insertShare(
    m: EntityManager,
    referralId: string,
    s: {
      id: string;
      userId: string;
      agencyId: string;
      basis: ReferralShareBasis;
      lawfulBasis: LawfulBasisKind | null;
      justification: SealedField | null;
      sharedBy: string;
      sharedAt: Date;
    },
  ): Promise<void> {
    await m
      .query(
        `INSERT INTO referral_shares (id, referral_id, user_id, agency_id, basis, lawful_basis, justification,
                                      justification_epoch, shared_by, shared_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          s.id,
          referralId,
          s.userId,
          s.agencyId,
          s.basis,
          s.lawfulBasis,
          s.justification ? sealedBytes(s.justification) : null,
          s.justification?.epoch ?? null,
          s.sharedBy,
          s.sharedAt,
        ],
      )
      .catch(onRecordIdTaken('referral_shares'));
  }

  /** The latest share with someone of `agencyId`, if the hub recorded one (what the sharing policy reads). */
  async latestShareForAgency(
    m: EntityManager,
    referralId: string,
    agencyId: string,
  ): Promise<{ id: string; basis: ReferralShareBasis } | null> {
    const [row] = await m.query<{ id: string; basis: ReferralShareBasis }[]>(
      `SELECT id, basis FROM referral_shares WHERE referral_id = $1 AND agency_id = $2 ORDER BY seq DESC LIMIT 1`,
      [referralId, agencyId],
    );
    return row ?? null;
  }

  async decide(
    m: EntityManager,
    id: string,
    d: {
      decision: ReferralDecision;
      rationale: SealedField;
      decidedBy: string;
      decidedAt: Date;
      familyId: string | null;
    },
  ): Promise<void> {
    await m.query(
      `UPDATE referrals SET state = 'decided', decision = $2, decision_rationale = $3, decision_rationale_epoch = $4,
              decided_by = $5, decided_at = $6, family_id = $7
        WHERE id = $1`,
      [id, d.decision, sealedBytes(d.rationale), d.rationale.epoch, d.decidedBy, d.decidedAt, d.familyId],
    );
  }

  async close(m: EntityManager, id: string, by: string, at: Date): Promise<void> {
    await m.query(`UPDATE referrals SET state = 'closed', closed_by = $2, closed_at = $3 WHERE id = $1`, [id, by, at]);
  }

  async addEvent(
    m: EntityManager,
    referralId: string,
    e: { kind: ReferralEventKind; actorUserId: string | null; at: Date; details?: Record<string, unknown> },
  ): Promise<void> {
    await m.query(
      'INSERT INTO referral_events (referral_id, kind, actor_user_id, at, details) VALUES ($1, $2, $3, $4, $5)',
      [referralId, e.kind, e.actorUserId, e.at, JSON.stringify(e.details ?? {})],
    );
  }

  async parts(
    m: EntityManager,
    referralId: string,
  ): Promise<{ subjects: SubjectRow[]; ratings: RatingRow[]; shares: ShareRow[]; events: EventRow[] }> {
    const [subjects, ratings, shares, events] = await Promise.all([
      m.query<SubjectRow[]>(
        'SELECT id, role, details, details_epoch FROM referral_subjects WHERE referral_id = $1 ORDER BY position',
        [referralId],
      ),
      m.query<RatingRow[]>(
        `SELECT id, rag, rationale, rationale_epoch, rated_by, rated_at, deadline_at
           FROM referral_ratings WHERE referral_id = $1 ORDER BY seq`,
        [referralId],
      ),
      m.query<ShareRow[]>(
        `SELECT id, user_id, agency_id, basis, lawful_basis, justification, justification_epoch, shared_by, shared_at
           FROM referral_shares WHERE referral_id = $1 ORDER BY seq`,
        [referralId],
      ),
      m.query<EventRow[]>(
        'SELECT kind, actor_user_id, at, details FROM referral_events WHERE referral_id = $1 ORDER BY seq',
        [referralId],
      ),
    ]);
    return { subjects, ratings, shares, events };
  }

  /** The referrals a person made, newest first (drafts included: they may be finished). */
  byReferrer(m: EntityManager, userId: string, state?: ReferralState): Promise<ReferralRow[]> {
    return m.query<ReferralRow[]>(
      `SELECT * FROM referrals WHERE referrer_user_id = $1 AND ($2::text IS NULL OR state = $2)
        ORDER BY created_at DESC LIMIT 500`,
      [userId, state ?? null],
    );
  }

  /** Every submitted referral of the hub, newest first. */
  ofHub(m: EntityManager, hubAgencyId: string, state?: ReferralState): Promise<ReferralRow[]> {
    return m.query<ReferralRow[]>(
      `SELECT * FROM referrals WHERE hub_agency_id = $1 AND state <> 'draft' AND ($2::text IS NULL OR state = $2)
        ORDER BY received_at DESC LIMIT 500`,
      [hubAgencyId, state ?? null],
    );
  }

  /** The referrals whose channel is among `channelIds` and that were shared with `userId`. */
  sharedWith(m: EntityManager, userId: string, state?: ReferralState): Promise<ReferralRow[]> {
    return m.query<ReferralRow[]>(
      `SELECT r.* FROM referrals r
        WHERE EXISTS (SELECT 1 FROM referral_shares s WHERE s.referral_id = r.id AND s.user_id = $1)
          AND ($2::text IS NULL OR r.state = $2)
        ORDER BY r.received_at DESC LIMIT 500`,
      [userId, state ?? null],
    );
  }

  /** The hub's open referrals, overdue first, then by deadline (the earliest due first). */
  async queue(m: EntityManager, hubAgencyId: string, now: Date): Promise<QueueEntryView[]> {
    const rows = await m.query<ReferralRow[]>(
      `SELECT * FROM referrals
        WHERE hub_agency_id = $1 AND state IN ('received','screening','information_gathering')
        ORDER BY (deadline_at <= $2) DESC, deadline_at, received_at
        LIMIT 1000`,
      [hubAgencyId, now],
    );
    return rows.map((r) => ({
      id: r.id,
      ref: r.ref!,
      state: r.state as QueueEntryView['state'],
      urgency: r.urgency!,
      rag: r.rag,
      categories: r.categories,
      referrerAgencyId: r.referrer_agency_id,
      assignedTo: r.assigned_to,
      receivedAt: r.received_at!.toISOString(),
      deadlineAt: r.deadline_at!.toISOString(),
      overdue: isOverdue(r, now),
    }));
  }

  /**
   * Takes the referrals due a reminder of `kind` (each once: the notified column is set here), on
   * whichever instance comes first (SKIP LOCKED). `due_soon`: open, deadline within `soonMs` and not yet
   * passed; `overdue`: open and past it.
   */
  claimReminders(
    m: EntityManager,
    kind: ReferralReminderKind,
    now: Date,
    soonMs: number,
  ): Promise<ReferralReminderRow[]> {
    const column = kind === 'overdue' ? 'overdue_notified_at' : 'due_soon_notified_at';
    const condition =
      kind === 'overdue'
        ? 'deadline_at <= $1 AND $2::timestamptz IS NOT NULL'
        : 'deadline_at > $1 AND deadline_at <= $2';
    return returningRows<ReferralReminderRow>(
      m,
      `WITH due AS (
         SELECT id FROM referrals
          WHERE state IN ('received','screening','information_gathering') AND ${column} IS NULL AND ${condition}
          ORDER BY deadline_at LIMIT ${REMINDER_BATCH} FOR UPDATE SKIP LOCKED
       )
       UPDATE referrals r SET ${column} = $1 FROM due WHERE r.id = due.id
       RETURNING r.id, r.ref, r.state, r.channel_id, r.hub_agency_id, r.assigned_to`,
      [now, new Date(now.getTime() + soonMs)],
    );
  }
}
