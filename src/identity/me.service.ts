import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AttestationView, AttestInput, MeView } from '../../contracts/identity.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import { agencyBlockReason } from '../agencies/agency-rules.js';
import { AuditService } from '../audit/audit.service.js';
import { conflict } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { AttestationsRepository, toAttestationView } from './attestations.repository.js';
import { actorOf, type AuthContext } from './auth-context.js';
import { toSessionView } from './sessions.repository.js';
import { toUserView } from './users.repository.js';

/** The sharing advice a user confirms having read at first sign-in (ISA 8.4.1). */
export const SHARING_ADVICE_VERSION =
  'Information sharing: advice for practitioners providing safeguarding services (HM Government, May 2024)';

/** The signed-in person's own account: what they may do now, and their attestation of the agreement. */
@Injectable()
export class MeService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly agencies: AgenciesService,
    private readonly audit: AuditService,
    private readonly attestations: AttestationsRepository,
  ) {}

  async me(auth: AuthContext): Promise<MeView> {
    const now = this.clock.now();
    const current = await this.agencies.currentAgreement();
    const attested = current ? await this.attestations.exists(this.db.manager, auth.user.id, current.id) : true;
    const reasons: string[] = [];
    const blocked = agencyBlockReason(auth.agency, now);
    if (blocked) reasons.push(blocked);
    if (auth.session.stage !== 'full')
      reasons.push('Your role requires two-factor authentication: enrol an authenticator.');
    if (!attested && current)
      reasons.push(`Confirm you have read agreement version ${current.label} and the information-sharing advice.`);
    const a = auth.agency;
    return {
      user: toUserView(auth.user),
      agency: {
        id: a.id,
        name: a.name,
        sector: a.sector,
        status: a.status,
        withdrawalEffectiveAt: a.withdrawalEffectiveAt?.toISOString() ?? null,
      },
      session: toSessionView(auth.session),
      mfa: {
        enabled: auth.user.mfaEnabledAt !== null,
        required: this.config.MFA_REQUIRED_ROLES.includes(auth.user.role),
      },
      attestation: {
        required: !attested,
        agreementVersionId: current?.id ?? null,
        agreementVersion: current?.label ?? null,
        adviceVersion: SHARING_ADVICE_VERSION,
      },
      access: { canShare: reasons.length === 0, reasons },
    };
  }

  /** Records that the user read the current agreement version and the sharing advice; a repeat is a no-op. */
  async attest(auth: AuthContext, dto: AttestInput): Promise<AttestationView> {
    return this.db.transaction(async (m) => {
      const current = await this.agencies.currentAgreement(m);
      if (!current || current.id !== dto.agreementVersionId) {
        throw conflict('not_current_agreement', 'Attest to the current agreement version.', {
          currentAgreementVersionId: current?.id ?? null,
        });
      }
      const inserted = await this.attestations.insertOnce(m, {
        userId: auth.user.id,
        agreementVersionId: current.id,
        adviceVersion: SHARING_ADVICE_VERSION,
        attestedAt: this.clock.now(),
      });
      const attestation = toAttestationView(await this.attestations.get(m, auth.user.id, current.id));
      // Only the first attestation is audited (see insertOnce).
      if (!inserted) return attestation;
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'user.attested',
        target: { type: 'agreement_version', id: current.id },
        details: { agreementVersion: current.label },
        meta: auth.meta,
      });
      return attestation;
    });
  }
}
