import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { FamilyLocalityView, SetFamilyLocalityInput } from '../../contracts/localities.js';
import { AuditService } from '../audit/audit.service.js';
import { forbidden } from '../common/app-error.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { LocalitiesService } from '../localities/localities.service.js';
import { FamiliesRepository, localityOf } from './families.repository.js';
import { FamiliesService } from './families.service.js';

/**
 * Which locality a family is supported in (ISA 2.2: the programme is evaluated by locality). Its lead worker
 * may change it, and so may an administrator of the agency that owns the family, who need not be in its
 * channel: the locality is metadata from a short list, not part of the case record.
 */
@Injectable()
export class FamilyLocalityService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly families: FamiliesService,
    private readonly repo: FamiliesRepository,
    private readonly localities: LocalitiesService,
    private readonly audit: AuditService,
  ) {}

  async set(auth: AuthContext, familyId: string, dto: SetFamilyLocalityInput): Promise<FamilyLocalityView> {
    return this.db.transaction(async (m) => {
      const family = await this.families.get(m, familyId, true);
      const isLead = family.lead_worker_id === auth.user.id;
      const isOwnersAdmin = auth.user.role === 'agency_admin' && auth.user.agencyId === family.owning_agency_id;
      if (!isLead && !isOwnersAdmin) {
        throw forbidden(
          'lead_worker_only',
          'Only the family’s lead worker or an administrator of the agency that owns it can change its locality.',
        );
      }
      if (dto.localityId !== null) await this.localities.chosen(m, dto.localityId);
      if (dto.localityId !== family.locality_id) {
        await this.repo.setLocality(m, familyId, dto.localityId);
        await this.audit.record(m, {
          actor: actorOf(auth),
          action: 'family.locality_set',
          target: { type: 'family', id: familyId },
          details: { from: family.locality_id, to: dto.localityId },
          meta: auth.meta,
        });
      }
      const after = { ...family, locality_id: dto.localityId };
      return { familyId, ref: family.ref, locality: localityOf(after, await this.localities.names(m)) };
    });
  }
}
