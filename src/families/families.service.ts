import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { ChannelsService } from '../channels/channels.service.js';
import { conflict, forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { returningRows } from '../common/sql.js';
import { sealedBytes, sealedView } from '../common/sealed.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import type { AddFamilyMemberDto, FamilyMemberRole, HandOverDto, SealedField } from './dto/family.dto.js';

export interface FamilyRow {
  id: string;
  ref: string;
  owning_agency_id: string;
  lead_worker_id: string;
  lead_agency_id: string;
  channel_id: string;
  created_by: string;
  created_at: Date;
}

export interface FamilyMemberRow {
  id: string;
  family_id: string;
  ref: string;
  role: FamilyMemberRole;
  details_ciphertext: Buffer | null;
  details_epoch: number | null;
  created_at: Date;
}

/**
 * Families, known to the server only by a pseudonymous reference (EH-2026-0042) and their members by
 * member refs and a role. Each family has one lead worker at a time and one encrypted channel where
 * its professionals meet; everything that names a person is sealed under that channel's keys.
 */
@Injectable()
export class FamiliesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly channels: ChannelsService,
    private readonly audit: AuditService,
  ) {}

  /** A new family with the caller as its lead worker and the chair of its new channel. */
  async create(auth: AuthContext) {
    if (auth.user.role !== 'practitioner') {
      throw forbidden(
        'lead_worker_role',
        'A family’s lead worker is a practitioner: only a practitioner can open one.',
      );
    }
    const now = this.clock.now();
    const { familyId, joined } = await this.db.transaction(async (m) => {
      const year = now.getUTCFullYear();
      const [{ last }] = await m.query<{ last: number }[]>(
        `INSERT INTO family_ref_counters (year, last) VALUES ($1, 1)
         ON CONFLICT (year) DO UPDATE SET last = family_ref_counters.last + 1 RETURNING last`,
        [year],
      );
      const ref = `EH-${year}-${String(last).padStart(4, '0')}`;
      const channel = await this.channels.createFamilyChannel(m, auth);
      const [{ id }] = await m.query<{ id: string }[]>(
        `INSERT INTO families (ref, owning_agency_id, lead_worker_id, channel_id, created_by, created_at)
         VALUES ($1, $2, $3, $4, $3, $5) RETURNING id`,
        [ref, auth.user.agencyId, auth.user.id, channel.channelId, now],
      );
      await m.query(
        `INSERT INTO family_lead_changes (family_id, from_user_id, to_user_id, changed_by, changed_at)
         VALUES ($1, NULL, $2, $2, $3)`,
        [id, auth.user.id, now],
      );
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'family.created',
        target: { type: 'family', id },
        details: { ref, channelId: channel.channelId },
        meta: auth.meta,
      });
      return { familyId: id, joined: channel.joined };
    });
    joined();
    return this.show(auth, familyId);
  }

  /** The family row with its lead worker's agency; 404 if there is none. */
  async get(m: EntityManager, familyId: string, lock = false): Promise<FamilyRow> {
    const [row] = await m.query<FamilyRow[]>(
      `SELECT f.*, u.agency_id AS lead_agency_id FROM families f JOIN users u ON u.id = f.lead_worker_id
        WHERE f.id = $1 ${lock ? 'FOR UPDATE OF f' : ''}`,
      [familyId],
    );
    if (!row) throw notFound('Family');
    return row;
  }

  /** The family attached to a channel, if any (for the consent policy). */
  async forChannel(m: EntityManager, channelId: string): Promise<FamilyRow | null> {
    const [row] = await m.query<FamilyRow[]>(
      `SELECT f.*, u.agency_id AS lead_agency_id FROM families f JOIN users u ON u.id = f.lead_worker_id
        WHERE f.channel_id = $1`,
      [channelId],
    );
    return row ?? null;
  }

  /** A family as its channel's members may see it; anyone else gets the channel's refusal. */
  async readable(m: EntityManager, auth: AuthContext, familyId: string): Promise<FamilyRow> {
    const family = await this.get(m, familyId);
    await this.channels.membership(m, family.channel_id, auth.user.id);
    return family;
  }

  /** The lead worker or a chair of the family's channel may change the family's record. */
  async writable(m: EntityManager, auth: AuthContext, familyId: string): Promise<FamilyRow> {
    const family = await this.get(m, familyId, true);
    const member = await this.channels.membership(m, family.channel_id, auth.user.id);
    if (family.lead_worker_id !== auth.user.id && member.role !== 'chair') {
      throw forbidden('lead_worker_only', 'Only the family’s lead worker or the chair of its channel can change this.');
    }
    return family;
  }

  async members(m: EntityManager, familyId: string): Promise<FamilyMemberRow[]> {
    return m.query<FamilyMemberRow[]>('SELECT * FROM family_members WHERE family_id = $1 ORDER BY seq', [familyId]);
  }

  async member(m: EntityManager, familyId: string, memberId: string): Promise<FamilyMemberRow> {
    const [row] = await m.query<FamilyMemberRow[]>('SELECT * FROM family_members WHERE id = $1 AND family_id = $2', [
      memberId,
      familyId,
    ]);
    if (!row) throw notFound('Family member');
    return row;
  }

  /** A sealed field must be under a key the family's channel actually has. */
  assertSealedFor(m: EntityManager, family: FamilyRow, field: SealedField, name: string): Promise<void> {
    return this.channels.assertSealedEpoch(m, family.channel_id, field.epoch, name);
  }

  async addMember(auth: AuthContext, familyId: string, dto: AddFamilyMemberDto) {
    const now = this.clock.now();
    const id = await this.db.transaction(async (m) => {
      const family = await this.writable(m, auth, familyId);
      if (dto.details) await this.assertSealedFor(m, family, dto.details, 'details');
      const [{ n }] = await m.query<{ n: number }[]>(
        'SELECT count(*)::int AS n FROM family_members WHERE family_id = $1',
        [familyId],
      );
      const [{ id: memberId }] = await m.query<{ id: string }[]>(
        `INSERT INTO family_members (family_id, ref, role, details_ciphertext, details_epoch, added_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [
          familyId,
          `${family.ref}-M${n + 1}`,
          dto.role,
          dto.details ? sealedBytes(dto.details) : null,
          dto.details?.epoch ?? null,
          auth.user.id,
          now,
        ],
      );
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'family.member_added',
        target: { type: 'family', id: familyId },
        details: { memberId, role: dto.role },
        meta: auth.meta,
      });
      // A new member has no consent yet: whether other agencies may share changes.
      await this.channels.markRotation(m, family.channel_id, 'sharing_changed');
      return memberId;
    });
    const family = await this.show(auth, familyId);
    return family.members.find((x) => x.id === id)!;
  }

  /**
   * Hands the family to a new lead worker: a practitioner of a signed agency who, if from another
   * agency, may only take it on where that agency has a basis to share (consent or a lawful basis).
   * They join the family's channel as chair if they were not in it.
   */
  async handOver(auth: AuthContext, familyId: string, dto: HandOverDto) {
    const now = this.clock.now();
    await this.db.transaction(async (m) => {
      const family = await this.writable(m, auth, familyId);
      if (family.lead_worker_id === dto.userId)
        throw conflict('already_lead', 'That person is already the lead worker.');
      const [next] = await m.query<{ role: string; status: string; agency_id: string }[]>(
        'SELECT role, status, agency_id FROM users WHERE id = $1',
        [dto.userId],
      );
      if (!next) throw notFound('User');
      if (next.role !== 'practitioner' || next.status !== 'active') {
        throw conflict('lead_worker_role', 'The lead worker must be an active practitioner.');
      }
      if (next.agency_id !== family.lead_agency_id) {
        const refusal = (await this.channels.sharingRefusals(m, family.channel_id, [next.agency_id])).get(
          next.agency_id,
        );
        if (refusal) throw refusal;
      }
      await m.query('UPDATE families SET lead_worker_id = $2 WHERE id = $1', [familyId, dto.userId]);
      await m.query(
        `INSERT INTO family_lead_changes (family_id, from_user_id, to_user_id, changed_by, changed_at)
         VALUES ($1, $2, $3, $4, $5)`,
        [familyId, family.lead_worker_id, dto.userId, auth.user.id, now],
      );
      // The new lead chairs the family's channel; the lead agency (and so who may share) may change.
      const channel = await this.channels.lock(m, family.channel_id);
      const updated = await returningRows(
        m,
        `UPDATE channel_members SET role = 'chair' WHERE channel_id = $1 AND user_id = $2 RETURNING user_id`,
        [family.channel_id, dto.userId],
      );
      if (!updated.length) {
        await this.channels.admitMember(m, auth, channel, { userId: dto.userId, role: 'chair' });
      }
      await this.channels.markRotation(m, family.channel_id, 'sharing_changed');
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'family.lead_changed',
        target: { type: 'family', id: familyId },
        details: { from: family.lead_worker_id, to: dto.userId },
        meta: auth.meta,
      });
    });
    return this.show(auth, familyId);
  }

  async list(auth: AuthContext) {
    const rows = await this.db.query<{ id: string; ref: string; channel_id: string; lead_worker_id: string }[]>(
      `SELECT f.id, f.ref, f.channel_id, f.lead_worker_id FROM families f
         JOIN channel_members cm ON cm.channel_id = f.channel_id AND cm.user_id = $1
        ORDER BY f.ref`,
      [auth.user.id],
    );
    return rows.map((r) => ({
      id: r.id,
      ref: r.ref,
      channelId: r.channel_id,
      leadWorkerId: r.lead_worker_id,
      youAreLead: r.lead_worker_id === auth.user.id,
    }));
  }

  async show(auth: AuthContext, familyId: string) {
    const m = this.db.manager;
    const family = await this.readable(m, auth, familyId);
    const [lead] = await m.query<{ display_name: string }[]>('SELECT display_name FROM users WHERE id = $1', [
      family.lead_worker_id,
    ]);
    const history = await m.query<
      { from_user_id: string | null; to_user_id: string; changed_by: string; changed_at: Date }[]
    >(
      'SELECT from_user_id, to_user_id, changed_by, changed_at FROM family_lead_changes WHERE family_id = $1 ORDER BY seq',
      [familyId],
    );
    return {
      id: family.id,
      ref: family.ref,
      channelId: family.channel_id,
      owningAgencyId: family.owning_agency_id,
      leadWorker: { userId: family.lead_worker_id, displayName: lead.display_name, agencyId: family.lead_agency_id },
      createdAt: family.created_at,
      members: (await this.members(m, familyId)).map((x) => ({
        id: x.id,
        ref: x.ref,
        role: x.role,
        details: sealedView(x.details_ciphertext, x.details_epoch),
        createdAt: x.created_at,
      })),
      leadHistory: history.map((h) => ({
        fromUserId: h.from_user_id,
        toUserId: h.to_user_id,
        changedBy: h.changed_by,
        changedAt: h.changed_at,
      })),
    };
  }
}
