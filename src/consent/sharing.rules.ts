import type { ConsentStatus, SharingBasis, SharingRestrictionView } from '../../contracts/consent.js';
import { forbidden, type AppError } from '../common/app-error.js';

/** Who may share a family's information, as its consent register stands (see `basisFor`). */
export interface SharingState {
  familyRef: string;
  /** The lead worker's agency: it always may share. */
  leadAgencyId: string;
  /** Every family member, in the order they were added, with their latest decision on consent to share. */
  members: { ref: string; share: { status: ConsentStatus; agencyIds: string[] } | null }[];
  /** Agency id → the lawful basis in force for it (the latest recorded, when there are several). */
  lawful: Map<string, string>;
}

/**
 * The rule the register drives: an agency may share a family's information when it is the lead
 * worker's agency, when a lawful basis to share without consent is recorded for it, or when every
 * member of the family has consent to share in force that covers it. Null: it may not.
 */
export function basisFor(s: SharingState, agencyId: string): SharingBasis | null {
  if (agencyId === s.leadAgencyId) return 'lead_agency';
  if (s.lawful.has(agencyId)) return 'lawful_basis';
  if (s.members.length && s.members.every((x) => x.share?.status === 'given' && x.share.agencyIds.includes(agencyId))) {
    return 'consent';
  }
  return null;
}

/** The refs of members whose consent to share was withdrawn (their latest decision). */
export function withdrawnFor(s: SharingState): string[] {
  return s.members.flatMap((x) => (x.share?.status === 'withdrawn' ? [x.ref] : []));
}

/** Why `agencyId` may not share: withdrawn consent is named as such, so the family's wishes are visible. */
export function sharingRefusal(s: SharingState, agencyId: string): AppError {
  const withdrawn = withdrawnFor(s);
  if (withdrawn.length) {
    return forbidden(
      'consent_withdrawn',
      `Consent to share was withdrawn for ${withdrawn.join(', ')} and no lawful basis is recorded for this agency: only the lead worker’s agency may share new information about ${s.familyRef}.`,
      { familyRef: s.familyRef, agencyId, withdrawnFor: withdrawn },
    );
  }
  return forbidden(
    'no_sharing_basis',
    `${s.familyRef}: consent to share with this agency is not recorded for every family member, and no lawful basis to share without consent is recorded.`,
    { familyRef: s.familyRef, agencyId },
  );
}

/** Why new content in the family's channel is restricted; null when it is not. */
export function restrictionOf(s: SharingState): SharingRestrictionView | null {
  const withdrawn = withdrawnFor(s);
  if (!withdrawn.length) return null;
  return {
    reason: 'consent_withdrawn',
    message: `Consent to share was withdrawn for ${withdrawn.join(', ')}: new information stays with the lead worker’s agency${s.lawful.size ? ' and agencies with a recorded lawful basis' : ''}.`,
    agencyIds: [s.leadAgencyId, ...s.lawful.keys()],
  };
}
