import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { forbidden, type AppError } from '../common/app-error.js';
import { ConsentSharingPolicy } from '../consent/sharing-policy.service.js';
import { FamiliesService } from '../families/families.service.js';
import type { AuthContext } from '../identity/auth-context.js';
import {
  InformationRequestSubjects,
  type InformationRequestSubjectProvider,
  type RequestOutcome,
  type SubjectOf,
  type SubjectViewOf,
} from './information-request-subjects.js';

const DECISION_OF: Record<
  RequestOutcome,
  'information_provided' | 'information_declined' | 'information_request_withdrawn'
> = {
  provided: 'information_provided',
  declined: 'information_declined',
  withdrawn: 'information_request_withdrawn',
};

/**
 * Requests about a family: only its current lead worker asks (alone on the asking side), the agency
 * asked must have a basis in the family's consent register to be told of the family (consent that covers
 * it, or a recorded lawful basis), and every request, answer and withdrawal is a row of the family's
 * `sharing_decisions`.
 */
@Injectable()
export class FamilySubject implements InformationRequestSubjectProvider<'family'>, OnModuleInit {
  readonly kind = 'family' as const;

  constructor(
    private readonly subjects: InformationRequestSubjects,
    private readonly families: FamiliesService,
    private readonly sharing: ConsentSharingPolicy,
  ) {}

  onModuleInit(): void {
    this.subjects.register(this);
  }

  idOf(subject: SubjectOf<'family'>): string {
    return subject.familyId;
  }

  async askers(m: EntityManager, auth: AuthContext, subject: SubjectOf<'family'>): Promise<string[]> {
    // A family is visible to its channel's members only; anyone else gets the channel's refusal.
    const family = await this.families.readable(m, auth, subject.familyId);
    if (family.lead_worker_id !== auth.user.id) {
      throw forbidden(
        'lead_worker_only',
        `Only ${family.ref}’s lead worker can ask other agencies what they hold about the family.`,
      );
    }
    return [];
  }

  decideAsk(
    m: EntityManager,
    input: { requestId: string; subjectId: string; toAgencyId: string; decidedBy: string },
  ): Promise<AppError | null> {
    return this.sharing.decideInformationRequest(m, {
      familyId: input.subjectId,
      agencyId: input.toAgencyId,
      requestId: input.requestId,
      decidedBy: input.decidedBy,
    });
  }

  recordOutcome(
    m: EntityManager,
    input: { requestId: string; subjectId: string; toAgencyId: string; decidedBy: string; outcome: RequestOutcome },
  ): Promise<void> {
    return this.sharing.recordInformationRequestOutcome(m, {
      familyId: input.subjectId,
      agencyId: input.toAgencyId,
      requestId: input.requestId,
      decidedBy: input.decidedBy,
      what: DECISION_OF[input.outcome],
    });
  }

  async view(m: EntityManager, subjectId: string): Promise<SubjectViewOf<'family'>> {
    const family = await this.families.get(m, subjectId);
    return { kind: 'family', familyId: family.id, reference: family.ref };
  }
}
