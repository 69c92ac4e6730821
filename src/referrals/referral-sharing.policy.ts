import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ChannelsService } from '../channels/channels.service.js';
import type { SharingPolicy } from '../channels/sharing-policy.js';
import { forbidden, type AppError } from '../common/app-error.js';
import { ConsentSharingPolicy } from '../consent/sharing-policy.service.js';
import { ReferralsRepository } from './referrals.repository.js';

/**
 * Who may join a referral's channel: the hub's own staff, and a partner only on a basis the hub recorded
 * for their agency (the family's consent, or a lawful basis with its justification) when it shared the
 * referral. Each admission of a partner is a sharing decision, recorded either way.
 */
@Injectable()
export class ReferralSharingPolicy implements SharingPolicy, OnModuleInit {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: ReferralsRepository,
    private readonly channels: ChannelsService,
    private readonly decisions: ConsentSharingPolicy,
  ) {}

  onModuleInit(): void {
    this.channels.useSharingPolicy(this);
  }

  /** A referral's bases do not lapse (the family's answer is recorded at submission): nothing to refuse. */
  refusals(): Promise<Map<string, AppError>> {
    return Promise.resolve(new Map<string, AppError>());
  }

  async admit(
    m: EntityManager,
    input: { channelId: string; userId: string; agencyId: string; decidedBy: string },
  ): Promise<AppError | null> {
    const referral = await this.repo.byChannel(m, input.channelId);
    if (!referral) return null;
    if (input.agencyId === referral.hub_agency_id) return null;
    const share = await this.repo.latestShareForAgency(m, referral.id, input.agencyId);
    const basis = share && (share.basis === 'lawful_basis' || referral.family_consent === 'given') ? share.basis : null;
    const decision = {
      familyId: null,
      referralId: referral.id,
      agencyId: input.agencyId,
      what: 'channel_member_added' as const,
      subjectUserId: input.userId,
      basis,
      lawfulBasisId: null,
      decidedBy: input.decidedBy,
    };
    if (basis) {
      await this.decisions.recordDecision(m, decision);
      return null;
    }
    // The refusal is a decision too: kept even though the caller's transaction rolls back.
    await this.decisions.recordDecision(this.db.manager, decision);
    return forbidden(
      'no_consent_to_share',
      'This referral can be shared with a partner only on the family’s consent or a recorded lawful basis.',
    );
  }

  restriction(): Promise<null> {
    return Promise.resolve(null);
  }
}
