import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  FamilyMemberRole,
  FamilyMemberView,
  FamilySummary,
  FamilyView,
  LeadChangeView,
} from '../../contracts/families.js';
import { onRecordIdTaken } from '../common/db-errors.js';
import { sealedBytes, sealedView } from '../common/sealed.js';
import type { SealedField } from '../../contracts/common.js';
import type { FamilyLocality } from '../../contracts/localities.js';

/** A row of `families`. */
export interface FamilyRow {
  id: string;
  ref: string;
  owning_agency_id: string;
  lead_worker_id: string;
  channel_id: string;
  /** The locality (from the ISA team's list) the family is supported in; null when none is recorded. */
  locality_id: string | null;
  created_by: string;
  created_at: Date;
}

/** A family with its lead worker's agency: who may share is worked out from it. */
export interface FamilyRecord extends FamilyRow {
  lead_agency_id: string;
}

/** A row of `family_members`. */
export interface FamilyMemberRow {
  id: string;
  family_id: string;
  ref: string;
  role: FamilyMemberRole;
  details_ciphertext: Buffer | null;
  details_epoch: number | null;
  created_at: Date;
}

/** A row of `family_lead_changes`, as the family view shows it. */
export interface LeadChangeRow {
  from_user_id: string | null;
  to_user_id: string;
  changed_by: string;
  changed_at: Date;
}

/**
 * Families, their members and lead-worker history: every query on `families`, `family_members`,
 * `family_lead_changes` and `family_ref_counters`.
 */
@Injectable()
export class FamiliesRepository {
  /**
   * The next reference number of `year` (1 for the first). The counter row is taken under its lock, so
   * concurrent creations get consecutive numbers with no gaps.
   */
  async nextRefNumber(m: EntityManager, year: number): Promise<number> {
    const [{ last }] = await m.query<{ last: number }[]>(
      `INSERT INTO family_ref_counters (year, last) VALUES ($1, 1)
       ON CONFLICT (year) DO UPDATE SET last = family_ref_counters.last + 1 RETURNING last`,
      [year],
    );
    return last;
  }

  /** A new family led (and created) by `leadWorkerId`; its id. */
  async insert(
    m: EntityManager,
    f: {
      ref: string;
      owningAgencyId: string;
      leadWorkerId: string;
      channelId: string;
      createdAt: Date;
      /** Who opened it, when not the lead worker (the hub, deciding on early help). */
      createdBy?: string;
      localityId?: string | null;
    },
  ): Promise<string> {
    const [{ id }] = await m.query<{ id: string }[]>(
      `INSERT INTO families (ref, owning_agency_id, lead_worker_id, channel_id, created_by, created_at, locality_id)
       VALUES ($1, $2, $3, $4, $6, $5, $7) RETURNING id`,
      [
        f.ref,
        f.owningAgencyId,
        f.leadWorkerId,
        f.channelId,
        f.createdAt,
        f.createdBy ?? f.leadWorkerId,
        f.localityId ?? null,
      ],
    );
    return id;
  }

  /** The family row, locked for update when `lock` (writers serialise on it); null if there is none. */
  async find(m: EntityManager, familyId: string, lock = false): Promise<FamilyRow | null> {
    const [row] = await m.query<FamilyRow[]>(`SELECT * FROM families WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [
      familyId,
    ]);
    return row ?? null;
  }

  async findByChannel(m: EntityManager, channelId: string): Promise<FamilyRow | null> {
    const [row] = await m.query<FamilyRow[]>('SELECT * FROM families WHERE channel_id = $1', [channelId]);
    return row ?? null;
  }

  /** The families attached to any of these channels, by reference. */
  listByChannels(m: EntityManager, channelIds: string[]): Promise<FamilyRow[]> {
    return m.query<FamilyRow[]>('SELECT * FROM families WHERE channel_id = ANY ($1::uuid[]) ORDER BY ref', [
      channelIds,
    ]);
  }

  /** Families by reference, whatever the case it is written in (a register names a family by its ref). */
  byRefs(m: EntityManager, refs: string[]): Promise<FamilyRow[]> {
    return m.query<FamilyRow[]>('SELECT * FROM families WHERE upper(ref) = ANY ($1::text[])', [
      refs.map((r) => r.toUpperCase()),
    ]);
  }

  /** Family members by reference, whatever the case. */
  membersByRefs(m: EntityManager, refs: string[]): Promise<FamilyMemberRow[]> {
    return m.query<FamilyMemberRow[]>('SELECT * FROM family_members WHERE upper(ref) = ANY ($1::text[])', [
      refs.map((r) => r.toUpperCase()),
    ]);
  }

  /** The families `userId` leads, by reference. */
  ledBy(m: EntityManager, userId: string): Promise<FamilyRow[]> {
    return m.query<FamilyRow[]>('SELECT * FROM families WHERE lead_worker_id = $1 ORDER BY ref', [userId]);
  }

  async setLocality(m: EntityManager, familyId: string, localityId: string | null): Promise<void> {
    await m.query('UPDATE families SET locality_id = $2 WHERE id = $1', [familyId, localityId]);
  }

  async setLeadWorker(m: EntityManager, familyId: string, userId: string): Promise<void> {
    await m.query('UPDATE families SET lead_worker_id = $2 WHERE id = $1', [familyId, userId]);
  }

  /** One entry of the lead-worker history (`from` is null when the family is opened). */
  async insertLeadChange(
    m: EntityManager,
    c: { familyId: string; from: string | null; to: string; changedBy: string; changedAt: Date },
  ): Promise<void> {
    await m.query(
      `INSERT INTO family_lead_changes (family_id, from_user_id, to_user_id, changed_by, changed_at)
       VALUES ($1, $2, $3, $4, $5)`,
      [c.familyId, c.from, c.to, c.changedBy, c.changedAt],
    );
  }

  leadHistory(m: EntityManager, familyId: string): Promise<LeadChangeRow[]> {
    return m.query<LeadChangeRow[]>(
      'SELECT from_user_id, to_user_id, changed_by, changed_at FROM family_lead_changes WHERE family_id = $1 ORDER BY seq',
      [familyId],
    );
  }

  /** The family's members in the order they were added. */
  members(m: EntityManager, familyId: string): Promise<FamilyMemberRow[]> {
    return m.query<FamilyMemberRow[]>('SELECT * FROM family_members WHERE family_id = $1 ORDER BY seq', [familyId]);
  }

  async member(m: EntityManager, familyId: string, memberId: string): Promise<FamilyMemberRow | null> {
    const [row] = await m.query<FamilyMemberRow[]>('SELECT * FROM family_members WHERE id = $1 AND family_id = $2', [
      memberId,
      familyId,
    ]);
    return row ?? null;
  }

  async countMembers(m: EntityManager, familyId: string): Promise<number> {
    const [{ n }] = await m.query<{ n: number }[]>(
      'SELECT count(*)::int AS n FROM family_members WHERE family_id = $1',
      [familyId],
    );
    return n;
  }

  /** A new member; its id. */
  async insertMember(
    m: EntityManager,
    x: {
      id: string;
      familyId: string;
      ref: string;
      role: FamilyMemberRole;
      details: SealedField | undefined;
      addedBy: string;
      createdAt: Date;
    },
  ): Promise<string> {
    const [{ id }] = await m
      .query<{ id: string }[]>(
        `INSERT INTO family_members (family_id, ref, role, details_ciphertext, details_epoch, added_by, created_at, id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [
          x.familyId,
          x.ref,
          x.role,
          x.details ? sealedBytes(x.details) : null,
          x.details?.epoch ?? null,
          x.addedBy,
          x.createdAt,
          x.id,
        ],
      )
      .catch(onRecordIdTaken('family_members'));
    return id;
  }
}

/** A pseudonymous family reference: EH-2026-0042. */
export const familyRef = (year: number, n: number): string => `EH-${year}-${String(n).padStart(4, '0')}`;

/** A member's reference: the family's, then M and their place in the family (EH-2026-0042-M3). */
export const memberRef = (familyRef: string, place: number): string => `${familyRef}-M${place}`;

export const toFamilyMemberView = (x: FamilyMemberRow): FamilyMemberView => ({
  id: x.id,
  ref: x.ref,
  role: x.role,
  details: sealedView(x.details_ciphertext, x.details_epoch),
  createdAt: x.created_at.toISOString(),
});

export const toLeadChangeView = (h: LeadChangeRow): LeadChangeView => ({
  fromUserId: h.from_user_id,
  toUserId: h.to_user_id,
  changedBy: h.changed_by,
  changedAt: h.changed_at.toISOString(),
});

export const toFamilyView = (
  family: FamilyRecord,
  leadDisplayName: string,
  members: FamilyMemberRow[],
  history: LeadChangeRow[],
  leadHandOverNeeded: boolean,
  locality: FamilyLocality,
): FamilyView => ({
  id: family.id,
  ref: family.ref,
  channelId: family.channel_id,
  owningAgencyId: family.owning_agency_id,
  locality,
  leadWorker: { userId: family.lead_worker_id, displayName: leadDisplayName, agencyId: family.lead_agency_id },
  leadHandOverNeeded,
  createdAt: family.created_at.toISOString(),
  members: members.map(toFamilyMemberView),
  leadHistory: history.map(toLeadChangeView),
});

/** A family's locality as shown, from the names of the localities on the list. */
export const localityOf = (r: FamilyRow, names: Map<string, string>): FamilyLocality =>
  r.locality_id === null ? null : { id: r.locality_id, name: names.get(r.locality_id) ?? '' };

export const toFamilySummary = (r: FamilyRow, userId: string, names: Map<string, string>): FamilySummary => ({
  id: r.id,
  ref: r.ref,
  channelId: r.channel_id,
  leadWorkerId: r.lead_worker_id,
  youAreLead: r.lead_worker_id === userId,
  locality: localityOf(r, names),
});
