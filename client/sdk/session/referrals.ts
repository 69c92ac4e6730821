import type {
  FamilyConsent,
  FamilyMemberDetails,
  LawfulBasisKind,
  RagRating,
  ReferralDecision,
  ReferralDocument,
  ReferralReceipt,
  ReferralSubjectRole,
  ReferralUrgency,
  ReferralView,
} from '../types.js';
import type { SecureSession } from '../secure-session.js';
import { FieldBindingError } from './errors.js';
import type { FileToSend, TransferProgress } from './attachments.js';

/**
 * The MASH hub's referrals as a client works them (docs/ARCHITECTURE.md, "The MASH hub"): everything a
 * person writes is sealed under the referral's channel, bound to the record it belongs to, before it
 * leaves the device. The server sees categories, urgency, states, ratings and dates; never a name, the
 * concern or a rationale.
 */

export interface NewReferral {
  categories: string[];
  urgency: ReferralUrgency;
  familyConsent: FamilyConsent;
  subjects: { role: ReferralSubjectRole; name: string; dateOfBirth?: string }[];
  content: ReferralDocument;
  /** Files to attach (referral forms, reports, photos): encrypted here, kept with the referral. */
  files?: FileToSend[];
  /** Upload progress, per file (its index in `files`) and in bytes. */
  onProgress?: (file: number, p: TransferProgress) => void;
}

export interface SubmittedReferral {
  receipt: ReferralReceipt;
  channelId: string;
}

/**
 * Submits a referral: starts it (its channel holds the caller and the hub's staff), encrypts and uploads
 * any files into it (kept as long as the referral), seals the concern with the files' references and each
 * subject's name and date of birth to them, and submits. Returns the receipt with its reference number.
 */
export async function submitReferral(s: SecureSession, input: NewReferral): Promise<SubmittedReferral> {
  const id = globalThis.crypto.randomUUID();
  const draft = await s.client.startReferral(id);
  const channelId = draft.channelId;
  const files = [];
  for (const [i, f] of (input.files ?? []).entries()) {
    files.push(
      await s.uploadFile(channelId, f.source, {
        name: f.name,
        mediaType: f.mediaType,
        size: f.size,
        purpose: 'record',
        onProgress: input.onProgress ? (p) => input.onProgress!(i, p) : undefined,
      }),
    );
  }
  const content: ReferralDocument = files.length
    ? { ...input.content, files: [...(input.content.files ?? []), ...files] }
    : input.content;
  const subjects = input.subjects.map((x) => ({ id: globalThis.crypto.randomUUID(), ...x }));
  const receipt = await s.sealedWrite(async () =>
    s.client.submitReferral(id, {
      categories: input.categories,
      urgency: input.urgency,
      familyConsent: input.familyConsent,
      content: await s.sealField(channelId, 'referral', content, { recordId: id }),
      subjects: await Promise.all(
        subjects.map(async (x) => ({
          id: x.id,
          role: x.role,
          details: await s.sealField(
            channelId,
            'referral-subject',
            { name: x.name, ...(x.dateOfBirth ? { dateOfBirth: x.dateOfBirth } : {}) },
            { recordId: x.id },
          ),
        })),
      ),
    }),
  );
  return { receipt, channelId };
}

/**
 * A referral with everything its reader may open, opened. A part that does not open as part of this
 * referral (altered in the database, or moved here from another record) is `null`, and `problems` says
 * which, in words a person reads; the rest is shown.
 */
export interface OpenedReferral {
  view: ReferralView;
  content: ReferralDocument | null;
  subjects: { id: string; role: ReferralSubjectRole; details: FamilyMemberDetails | null }[];
  ratings: {
    id: string;
    rag: RagRating;
    rationale: string | null;
    ratedBy: string;
    ratedAt: string;
    deadlineAt: string;
  }[];
  shares: {
    id: string;
    userId: string;
    basis: string;
    lawfulBasis: LawfulBasisKind | null;
    justification: string | null;
  }[];
  decisionRationale: string | null;
  /** Each part that could not be verified: "The concern could not be verified: …". Empty when all opened. */
  problems: string[];
}

/**
 * Reads a referral and opens its sealed fields (the hub and partners; the referrer gets only the receipt).
 * Each field is bound to its record, so one altered or moved in the database fails on its own: it is left
 * out with a warning in `problems`. Without the keys at all, `UnableToDecryptError` as ever.
 */
export async function readReferral(
  s: SecureSession,
  ref: string,
): Promise<{ receipt: ReferralReceipt; opened: OpenedReferral | null }> {
  const answer = await s.client.referral(ref);
  if (answer.view === 'receipt') return { receipt: answer, opened: null };
  const view = answer;
  const ch = view.channelId;
  const problems: string[] = [];
  const verified = async <T>(part: string, open: () => Promise<T>): Promise<T | null> => {
    try {
      return await open();
    } catch (err) {
      if (!(err instanceof FieldBindingError)) throw err;
      problems.push(
        `${part} could not be verified, so it is not shown: it was changed on the server, or moved there from another record.`,
      );
      return null;
    }
  };
  const opened: OpenedReferral = {
    view,
    content: view.content
      ? await verified('The concern', () => s.openField(ch, 'referral', view.content!, { recordId: view.id }))
      : null,
    subjects: await Promise.all(
      view.subjects.map(async (x, i) => ({
        id: x.id,
        role: x.role,
        details: await verified(`The details of person ${i + 1}`, () =>
          s.openField(ch, 'referral-subject', x.details, { recordId: x.id }),
        ),
      })),
    ),
    ratings: await Promise.all(
      view.ratings.map(async (x, i) => ({
        id: x.id,
        rag: x.rag,
        rationale: await verified(
          `The reason for rating ${i + 1} (${x.rag})`,
          async () => (await s.openField(ch, 'referral-rating', x.rationale, { recordId: x.id })).text,
        ),
        ratedBy: x.ratedBy,
        ratedAt: x.ratedAt,
        deadlineAt: x.deadlineAt,
      })),
    ),
    shares: await Promise.all(
      view.shares.map(async (x, i) => ({
        id: x.id,
        userId: x.userId,
        basis: x.basis,
        lawfulBasis: x.lawfulBasis,
        justification: x.justification
          ? await verified(
              `The reason for share ${i + 1}`,
              async () => (await s.openField(ch, 'referral-share', x.justification!, { recordId: x.id })).text,
            )
          : null,
      })),
    ),
    decisionRationale: view.decisionRationale
      ? await verified(
          'The reason for the decision',
          async () => (await s.openField(ch, 'referral-decision', view.decisionRationale!, { recordId: view.id })).text,
        )
      : null,
    problems,
  };
  return { receipt: view, opened };
}

/** Rates a referral with a sealed rationale (hub staff). */
export async function rateReferral(
  s: SecureSession,
  view: Pick<ReferralView, 'id' | 'channelId'>,
  rag: RagRating,
  rationale: string,
): Promise<ReferralView> {
  const id = globalThis.crypto.randomUUID();
  return s.sealedWrite(async () =>
    s.client.rateReferral(view.id, {
      id,
      rag,
      rationale: await s.sealField(view.channelId, 'referral-rating', { text: rationale }, { recordId: id }),
    }),
  );
}

/**
 * Brings a partner practitioner into the referral (hub staff), on the family's consent or a lawful basis
 * with its justification, then gives their devices the keys the referral record needs (they see the
 * record, and chat from their join on). Returns the view and how many keys went to them (0 if they have
 * no approved device yet: share the keys again once they do).
 */
export async function shareReferral(
  s: SecureSession,
  view: Pick<ReferralView, 'id' | 'channelId'>,
  userId: string,
  basis: { consent: true } | { lawfulBasis: LawfulBasisKind; justification: string },
): Promise<{ view: ReferralView; recordKeysShared: number }> {
  const id = globalThis.crypto.randomUUID();
  const shared = await s.sealedWrite(async () =>
    'consent' in basis
      ? s.client.shareReferral(view.id, { id, userId, basis: 'consent' })
      : s.client.shareReferral(view.id, {
          id,
          userId,
          basis: 'lawful_basis',
          lawfulBasis: basis.lawfulBasis,
          justification: await s.sealField(
            view.channelId,
            'referral-share',
            { text: basis.justification },
            { recordId: id },
          ),
        }),
  );
  return { view: shared, recordKeysShared: await s.shareRecordKeys(view.channelId, userId) };
}

/** The hub's decision with a sealed rationale; early help links a family or opens one led by `leadWorkerId`. */
export async function decideReferral(
  s: SecureSession,
  view: Pick<ReferralView, 'id' | 'channelId'>,
  decision: ReferralDecision,
  rationale: string,
  family: { familyId: string } | { leadWorkerId: string } | null = null,
): Promise<ReferralView> {
  return s.sealedWrite(async () =>
    s.client.decideReferral(view.id, {
      decision,
      rationale: await s.sealField(view.channelId, 'referral-decision', { text: rationale }, { recordId: view.id }),
      ...(family ?? {}),
    }),
  );
}
