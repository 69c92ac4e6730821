import type { RecordConsentInput } from '../../contracts/consent.js';
import type { FamilyMemberRole } from '../../contracts/families.js';
import { badRequest, type AppError } from '../common/app-error.js';

/**
 * Who may give or refuse consent for a member (checked in this order): an adult for themself; a child
 * through a parent or carer, or themself when judged competent (ISA 3.3.4: 13+ is the guide), and then
 * the judgement, who made it, when and why, is part of the record. `today` is `YYYY-MM-DD` (UTC).
 */
export function consentGiverRefusal(
  role: FamilyMemberRole,
  dto: Pick<RecordConsentInput, 'givenBy' | 'competence'>,
  today: string,
): AppError | null {
  if (role !== 'child' && dto.givenBy !== 'self') {
    return badRequest('validation_failed', 'An adult family member gives or refuses consent for themself.', {
      fields: { givenBy: ['must be self for a parent, carer or other adult'] },
    });
  }
  if (role === 'child' && dto.givenBy === 'self' && !dto.competence) {
    return badRequest('validation_failed', 'A child consenting for themself needs a recorded competence judgement.', {
      fields: { competence: ['is required when a child gives or refuses consent themself'] },
    });
  }
  if (dto.competence && !(role === 'child' && dto.givenBy === 'self')) {
    return badRequest('validation_failed', 'A competence judgement belongs only to a child consenting for themself.', {
      fields: { competence: ['only for a child with givenBy self'] },
    });
  }
  if (dto.competence && dto.competence.assessedOn > today) {
    return badRequest('validation_failed', 'A competence judgement cannot be dated in the future.', {
      fields: { 'competence.assessedOn': ['must not be in the future'] },
    });
  }
  return null;
}

/** Consent to record covers no agencies; consent to share, when given, names the ones it covers. */
export function consentScopeRefusal(
  dto: Pick<RecordConsentInput, 'kind' | 'status'>,
  agencyIds: readonly string[],
): AppError | null {
  if (dto.kind === 'record' && agencyIds.length) {
    return badRequest('validation_failed', 'Consent to record covers no agencies; consent to share does.', {
      fields: { agencyIds: ['only for consent to share'] },
    });
  }
  if (dto.kind === 'share' && dto.status === 'given' && !agencyIds.length) {
    return badRequest('validation_failed', 'Consent to share must name the agencies it covers.', {
      fields: { agencyIds: ['name at least one agency'] },
    });
  }
  return null;
}

/** Today's date in UTC, `YYYY-MM-DD`, as dates in the register are compared. */
export const todayOf = (now: Date): string => now.toISOString().slice(0, 10);
