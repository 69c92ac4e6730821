import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { ConsentKind, ConsentRegisterView } from '../../contracts/consent.js';
import { FamiliesService } from '../families/families.service.js';
import type { AuthContext } from '../identity/auth-context.js';
import { AgenciesRepository } from '../agencies/agencies.repository.js';
import {
  ConsentRepository,
  toConsentRecordView,
  toLawfulBasisView,
  toNoticeView,
  toSharingDecisionView,
} from './consent.repository.js';
import { ConsentSharingPolicy } from './sharing-policy.service.js';
import { basisFor, restrictionOf } from './sharing.rules.js';

/** Reads a family's consent register, for the members of its channel. */
@Injectable()
export class ConsentRegisterService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly families: FamiliesService,
    private readonly repo: ConsentRepository,
    private readonly policy: ConsentSharingPolicy,
    private readonly agencies: AgenciesRepository,
  ) {}

  /** The whole register for a family: consent history, notices, lawful bases, who may share and why. */
  async register(auth: AuthContext, familyId: string): Promise<ConsentRegisterView> {
    const m = this.db.manager;
    const family = await this.families.readable(m, auth, familyId);
    const members = await this.families.members(m, familyId);
    const memberIds = members.map((x) => x.id);
    const records = await this.repo.records(m, memberIds);
    const notices = await this.repo.notices(m, memberIds);
    const bases = await this.repo.activeLawfulBases(m, familyId);
    const decisions = await this.repo.decisions(m, familyId);
    const s = await this.policy.state(m, family);
    const agencies = await this.agencies.agencies(m);
    return {
      familyId,
      familyRef: family.ref,
      members: members.map((fm) => {
        const mine = records.filter((r) => r.member_id === fm.id);
        const latest = (kind: ConsentKind) => mine.filter((r) => r.kind === kind).at(-1);
        const rec = latest('record');
        const share = latest('share');
        return {
          memberId: fm.id,
          memberRef: fm.ref,
          role: fm.role,
          consentToRecord: rec ? toConsentRecordView(rec) : null,
          consentToShare: share ? toConsentRecordView(share) : null,
          history: mine.map(toConsentRecordView),
          noticesGiven: notices.filter((n) => n.member_id === fm.id).map(toNoticeView),
        };
      }),
      lawfulBases: bases.map(toLawfulBasisView),
      sharing: {
        leadAgencyId: family.lead_agency_id,
        restriction: restrictionOf(s),
        agencies: agencies.flatMap((a) => {
          const basis = basisFor(s, a.id);
          return basis ? [{ agencyId: a.id, agencyName: a.name, basis }] : [];
        }),
      },
      decisions: decisions.map(toSharingDecisionView),
    };
  }
}
