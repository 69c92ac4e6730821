import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { SealedField } from '../../contracts/common.js';
import type {
  AddFamilyMemberInput,
  CreateFamilyInput,
  FamilyMemberView,
  FamilySummary,
  FamilyView,
  HandOverInput,
} from '../../contracts/families.js';
import { AuditService } from '../audit/audit.service.js';
import { ChannelsService } from '../channels/channels.service.js';
import { AppError, conflict, forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { ChannelsRepository } from '../channels/channels.repository.js';
import {
  FamiliesRepository,
  familyRef,
  memberRef,
  localityOf,
  toFamilySummary,
  toFamilyView,
  type FamilyMemberRow,
  type FamilyRecord,
  type FamilyRow,
} from './families.repository.js';
import { UsersRepository } from '../identity/users.repository.js';
import { LocalitiesService } from '../localities/localities.service.js';

export type { FamilyMemberRow, FamilyRecord } from './families.repository.js';

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
    private readonly repo: FamiliesRepository,
    private readonly users: UsersRepository,
    private readonly channelMembers: ChannelsRepository,
    private readonly channels: ChannelsService,
    private readonly audit: AuditService,
    private readonly localities: LocalitiesService,
  ) {}

  /** A new family with the caller as its lead worker and the chair of its new channel, in a locality if chosen. */
  async create(auth: AuthContext, dto: CreateFamilyInput = {}): Promise<FamilyView> {
    if (auth.user.role !== 'practitioner') {
      throw forbidden(
        'lead_worker_role',
        'A family’s lead worker is a practitioner: only a practitioner can open one.',
      );
    }
    const now = this.clock.now();
    const localityId = dto?.localityId ?? null;
    const { familyId, joined } = await this.db.transaction(async (m) => {
      if (localityId) await this.localities.chosen(m, localityId);
      const year = now.getUTCFullYear();
      const ref = familyRef(year, await this.repo.nextRefNumber(m, year));
      const channel = await this.channels.createFamilyChannel(m, auth);
      const id = await this.repo.insert(m, {
        ref,
        owningAgencyId: auth.user.agencyId,
        leadWorkerId: auth.user.id,
        channelId: channel.channelId,
        createdAt: now,
        localityId,
      });
      await this.repo.insertLeadChange(m, {
        familyId: id,
        from: null,
        to: auth.user.id,
        changedBy: auth.user.id,
        changedAt: now,
      });
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'family.created',
        target: { type: 'family', id },
        details: { ref, channelId: channel.channelId, localityId },
        meta: auth.meta,
      });
      return { familyId: id, joined: channel.joined };
    });
    joined();
    return this.show(auth, familyId);
  }

  /**
   * A new family opened on someone else's decision (the MASH hub deciding on early help), inside the
   * caller's transaction: `leadWorkerId` (an active practitioner of a signed agency) leads it and chairs
   * its channel. Returns its id and reference; call `joined` after the commit.
   */
  async openFor(
    m: EntityManager,
    auth: AuthContext,
    leadWorkerId: string,
    reason: { referralId: string },
  ): Promise<{ familyId: string; ref: string; joined: () => void }> {
    const lead = await this.users.standing(m, leadWorkerId);
    if (!lead) throw notFound('User');
    if (lead.role !== 'practitioner' || lead.status !== 'active') {
      throw conflict('lead_worker_role', 'The lead worker must be an active practitioner.');
    }
    await this.channels.assertCanJoin(m, leadWorkerId);
    const now = this.clock.now();
    const year = now.getUTCFullYear();
    const ref = familyRef(year, await this.repo.nextRefNumber(m, year));
    const channel = await this.channels.createFamilyChannel(m, auth, leadWorkerId);
    const familyId = await this.repo.insert(m, {
      ref,
      owningAgencyId: lead.agencyId,
      leadWorkerId,
      channelId: channel.channelId,
      createdAt: now,
      createdBy: auth.user.id,
    });
    await this.repo.insertLeadChange(m, {
      familyId,
      from: null,
      to: leadWorkerId,
      changedBy: auth.user.id,
      changedAt: now,
    });
    await this.audit.record(m, {
      actor: actorOf(auth),
      action: 'family.created',
      target: { type: 'family', id: familyId },
      details: { ref, channelId: channel.channelId, leadWorkerId, referralId: reason.referralId },
      meta: auth.meta,
    });
    return { familyId, ref, joined: channel.joined };
  }

  /** The family row with its lead worker's agency; 404 if there is none. */
  async get(m: EntityManager, familyId: string, lock = false): Promise<FamilyRecord> {
    const row = await this.repo.find(m, familyId, lock);
    if (!row) throw notFound('Family');
    return this.withLeadAgency(m, row);
  }

  /** The family attached to a channel, if any (for the consent policy). */
  async forChannel(m: EntityManager, channelId: string): Promise<FamilyRecord | null> {
    const row = await this.repo.findByChannel(m, channelId);
    return row ? this.withLeadAgency(m, row) : null;
  }

  private async withLeadAgency(m: EntityManager, row: FamilyRow): Promise<FamilyRecord> {
    const leadAgencyId = (await this.users.standing(m, row.lead_worker_id))?.agencyId;
    // The lead worker is a user (foreign key): no agency means no such family row was readable.
    if (!leadAgencyId) throw notFound('Family');
    return { ...row, lead_agency_id: leadAgencyId };
  }

  /** A family as its channel's members may see it; anyone else gets the channel's refusal. */
  async readable(m: EntityManager, auth: AuthContext, familyId: string): Promise<FamilyRecord> {
    const family = await this.get(m, familyId);
    await this.channels.membership(m, family.channel_id, auth.user.id);
    return family;
  }

  /** A family its channel's members may add to (progress on the plan): an observer (an auditor) only reads. */
  async contributable(m: EntityManager, auth: AuthContext, familyId: string): Promise<FamilyRecord> {
    const family = await this.get(m, familyId);
    const member = await this.channels.membership(m, family.channel_id, auth.user.id);
    if (member.role === 'observer')
      throw forbidden('observer_read_only', 'Observers can read but not add to the plan.');
    return family;
  }

  /** The lead worker or a chair of the family's channel may change the family's record. */
  async writable(m: EntityManager, auth: AuthContext, familyId: string): Promise<FamilyRecord> {
    const family = await this.get(m, familyId, true);
    const member = await this.channels.membership(m, family.channel_id, auth.user.id);
    if (family.lead_worker_id !== auth.user.id && member.role !== 'chair') {
      throw forbidden('lead_worker_only', 'Only the family’s lead worker or the chair of its channel can change this.');
    }
    return family;
  }

  /** Families named by their references (unknown ones are left out: the caller names them). */
  byRefs(m: EntityManager, refs: string[]): Promise<FamilyRow[]> {
    return refs.length ? this.repo.byRefs(m, refs) : Promise.resolve([]);
  }

  /** Family members named by their references (unknown ones are left out). */
  membersByRefs(m: EntityManager, refs: string[]): Promise<FamilyMemberRow[]> {
    return refs.length ? this.repo.membersByRefs(m, refs) : Promise.resolve([]);
  }

  members(m: EntityManager, familyId: string): Promise<FamilyMemberRow[]> {
    return this.repo.members(m, familyId);
  }

  async member(m: EntityManager, familyId: string, memberId: string): Promise<FamilyMemberRow> {
    const row = await this.repo.member(m, familyId, memberId);
    if (!row) throw notFound('Family member');
    return row;
  }

  /** A sealed field must be under a key the family's channel actually has. */
  assertSealedFor(m: EntityManager, family: FamilyRow, field: SealedField, name: string): Promise<void> {
    return this.channels.assertSealedEpoch(m, family.channel_id, field.epoch, name);
  }

  async addMember(auth: AuthContext, familyId: string, dto: AddFamilyMemberInput): Promise<FamilyMemberView> {
    const now = this.clock.now();
    const id = await this.db.transaction(async (m) => {
      const family = await this.writable(m, auth, familyId);
      if (dto.details) await this.assertSealedFor(m, family, dto.details, 'details');
      const n = await this.repo.countMembers(m, familyId);
      const memberId = await this.repo.insertMember(m, {
        id: dto.id,
        familyId,
        ref: memberRef(family.ref, n + 1),
        role: dto.role,
        details: dto.details,
        addedBy: auth.user.id,
        createdAt: now,
      });
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
  async handOver(auth: AuthContext, familyId: string, dto: HandOverInput): Promise<FamilyView> {
    await this.db.transaction(async (m) => {
      const family = await this.writable(m, auth, familyId);
      await this.changeLead(m, auth, family, dto.userId, {});
    });
    return this.show(auth, familyId);
  }

  /** The families `userId` leads (a leaver's, to hand over), by reference. */
  ledBy(m: EntityManager, userId: string): Promise<FamilyRow[]> {
    return this.repo.ledBy(m, userId);
  }

  /**
   * A leaver's family handed to a new lead worker by an administrator (who need not be in its channel),
   * in the caller's transaction, under the same rules as `handOver`. Refused unless `leaverId` leads it.
   */
  async handOverFrom(
    m: EntityManager,
    auth: AuthContext,
    familyId: string,
    leaverId: string,
    newLeadId: string,
  ): Promise<FamilyRecord> {
    const family = await this.get(m, familyId, true);
    if (family.lead_worker_id !== leaverId) {
      throw conflict('not_held_by_leaver', 'That person is not the family’s lead worker (any more).');
    }
    await this.changeLead(m, auth, family, newLeadId, { handOver: true });
    return family;
  }

  /** Sets the family's new lead worker, who chairs its channel; recorded and audited. */
  private async changeLead(
    m: EntityManager,
    auth: AuthContext,
    family: FamilyRecord,
    userId: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    const now = this.clock.now();
    const familyId = family.id;
    if (family.lead_worker_id === userId) throw conflict('already_lead', 'That person is already the lead worker.');
    const next = await this.users.standing(m, userId);
    if (!next) throw notFound('User');
    if (next.role !== 'practitioner' || next.status !== 'active') {
      throw conflict('lead_worker_role', 'The lead worker must be an active practitioner.');
    }
    if (next.agencyId !== family.lead_agency_id) {
      const refusal = (await this.channels.sharingRefusals(m, family.channel_id, [next.agencyId])).get(next.agencyId);
      if (refusal) throw refusal;
    }
    await this.repo.setLeadWorker(m, familyId, userId);
    await this.repo.insertLeadChange(m, {
      familyId,
      from: family.lead_worker_id,
      to: userId,
      changedBy: auth.user.id,
      changedAt: now,
    });
    // The new lead chairs the family's channel; the lead agency (and so who may share) may change.
    const channel = await this.channels.lock(m, family.channel_id);
    if (!(await this.channelMembers.makeChair(m, family.channel_id, userId))) {
      await this.channels.admitMember(m, auth, channel, { userId, role: 'chair' });
    }
    await this.channels.markRotation(m, family.channel_id, 'sharing_changed');
    await this.audit.record(m, {
      actor: actorOf(auth),
      action: 'family.lead_changed',
      target: { type: 'family', id: familyId },
      details: { from: family.lead_worker_id, to: userId, ...details },
      meta: auth.meta,
    });
  }

  /** The families whose channel the caller is in, by reference. */
  async list(auth: AuthContext): Promise<FamilySummary[]> {
    const m = this.db.manager;
    const channelIds = await this.channelMembers.channelIdsOf(m, auth.user.id);
    const rows = await this.repo.listByChannels(m, channelIds);
    const names = await this.localities.names(m);
    return rows.map((r) => toFamilySummary(r, auth.user.id, names));
  }

  async show(auth: AuthContext, familyId: string): Promise<FamilyView> {
    const m = this.db.manager;
    const family = await this.readable(m, auth, familyId);
    const leadName = (await this.users.standing(m, family.lead_worker_id))?.displayName;
    const history = await this.repo.leadHistory(m, familyId);
    const members = await this.repo.members(m, familyId);
    // Flagged while the lead worker has left (disabled, or their agency withdrawn) and nobody has taken over.
    const leadGone = await this.channels.assertCanJoin(m, family.lead_worker_id).then(
      () => false,
      (err: unknown) => {
        if (err instanceof AppError) return true;
        throw err;
      },
    );
    const locality = localityOf(family, await this.localities.names(m));
    return toFamilyView(family, leadName ?? '', members, history, leadGone, locality);
  }
}
