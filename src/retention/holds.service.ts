import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type {
  ChannelHoldView,
  DisposalsQuery,
  DisposalView,
  HoldView,
  PlaceHoldRequest,
  ReleaseHoldRequest,
} from '../../contracts/retention.js';
import { AuditService } from '../audit/audit.service.js';
import { ChannelAccessService } from '../channels/channel-access.service.js';
import { conflict, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import type { AuthContext } from '../identity/auth-context.js';
import { HeldExpiryReadModel } from './held-expiry.read-model.js';
import { DisposalsRepository, HoldsRepository } from './holds.repository.js';

/**
 * Legal holds (ISA 7, 8.3): an ISA administrator suspends expiry for a channel, a family, an agency or a
 * whole record class, with a reason, until the hold is released. Placing and releasing are audited with
 * ids only (the reason stays with the hold). Disposal evidence is read here too.
 */
@Injectable()
export class HoldsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly holds: HoldsRepository,
    private readonly disposals: DisposalsRepository,
    private readonly scopes: HeldExpiryReadModel,
    private readonly access: ChannelAccessService,
  ) {}

  place(auth: AuthContext, req: PlaceHoldRequest): Promise<HoldView> {
    return this.db.transaction(async (m) => {
      let scopeId: string | null = null;
      if (req.scope === 'channel') {
        if (!(await this.scopes.channelExists(m, req.channelId))) throw notFound('The channel');
        scopeId = req.channelId;
      } else if (req.scope === 'family') {
        scopeId = await this.scopes.familyId(m, req.family);
        if (!scopeId) throw notFound(`The family ${req.family}`);
      } else if (req.scope === 'agency') {
        if (!(await this.scopes.agencyExists(m, req.agencyId))) throw notFound('The agency');
        scopeId = req.agencyId;
      }
      const asked = {
        id: req.id ?? randomUUID(),
        scope: req.scope,
        scopeId,
        recordClass: req.scope === 'class' ? req.recordClass : null,
        reason: req.reason,
        placedBy: auth.user.id,
      };
      const hold = await this.holds.insert(m, { ...asked, at: this.clock.now() });
      if (!hold) {
        // The id is taken: a retry of this very hold (its answer was lost) gets the stored one; else refused.
        const stored = await this.holds.get(m, asked.id);
        const same =
          stored &&
          stored.scope === asked.scope &&
          stored.scopeId === asked.scopeId &&
          stored.recordClass === asked.recordClass &&
          stored.reason === asked.reason &&
          stored.placedBy === asked.placedBy;
        if (same) return stored;
        throw conflict('record_exists', 'A different hold already has this id: nothing changed. Make a new id.');
      }
      await this.audit.record(m, {
        actor: { userId: auth.user.id, agencyId: auth.user.agencyId },
        action: 'retention.hold_placed',
        target: { type: 'legal_hold', id: hold.id },
        details: { scope: hold.scope, scopeId: hold.scopeId, recordClass: hold.recordClass },
        meta: auth.meta,
      });
      return hold;
    });
  }

  release(auth: AuthContext, id: string, req: ReleaseHoldRequest): Promise<HoldView> {
    return this.db.transaction(async (m) => {
      const released = await this.holds.release(m, id, auth.user.id, req.reason, this.clock.now());
      if (!released) {
        const existing = await this.holds.get(m, id);
        if (!existing) throw notFound('The hold');
        throw conflict('hold_released', 'This hold was released already: nothing changed.');
      }
      await this.audit.record(m, {
        actor: { userId: auth.user.id, agencyId: auth.user.agencyId },
        action: 'retention.hold_released',
        target: { type: 'legal_hold', id },
        details: { scope: released.scope, scopeId: released.scopeId, recordClass: released.recordClass },
        meta: auth.meta,
      });
      return released;
    });
  }

  /** The holds covering a channel, for its members (404 or 403 as every channel route, for anyone else). */
  channelHolds(auth: AuthContext, channelId: string): Promise<ChannelHoldView[]> {
    return this.db.transaction(async (m) => {
      await this.access.membership(m, channelId, auth.user.id);
      return (await this.scopes.holdsCoveringChannel(m, channelId)).map((h) => ({
        id: h.id,
        scope: h.scope,
        recordClass: h.recordClass,
        placedAt: h.placedAt.toISOString(),
      }));
    });
  }

  list(activeOnly: boolean): Promise<HoldView[]> {
    return this.holds.list(this.db.manager, activeOnly);
  }

  disposalRecords(q: DisposalsQuery): Promise<DisposalView[]> {
    return this.disposals.list(this.db.manager, q);
  }
}
