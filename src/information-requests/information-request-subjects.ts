import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  InformationRequestSubject,
  InformationRequestSubjectKind,
  InformationRequestSubjectView,
} from '../../contracts/information-requests.js';
import type { AppError } from '../common/app-error.js';
import type { AuthContext } from '../identity/auth-context.js';

/** The subject of one kind, as a request names it (`{kind: 'family', familyId}`) and as its view shows it. */
export type SubjectOf<K extends InformationRequestSubjectKind> = Extract<InformationRequestSubject, { kind: K }>;
export type SubjectViewOf<K extends InformationRequestSubjectKind> = Extract<
  InformationRequestSubjectView,
  { kind: K }
>;

/** What became of a request, as the subject's register records it. */
export type RequestOutcome = 'provided' | 'declined' | 'withdrawn';

/**
 * What an information request needs to know about its subject, one provider per kind: who may ask about
 * it, whether the agency asked may be told of it, how it is shown, and where the decisions about sharing
 * it are recorded. The families module's is `FamilySubject`; the MASH hub's referrals register theirs
 * for `referral` the same way (`InformationRequestSubjects.register` in their module's `onModuleInit`),
 * after adding the kind to `informationRequestSubject` and `informationRequestSubjectView` in
 * contracts/information-requests.ts and to the `subject_kind` check of `information_requests`.
 *
 * Every method works in the caller's transaction; the request's row exists (and will be rolled back
 * with a refusal) by the time `decideAsk` runs, so a decision may reference it.
 */
export interface InformationRequestSubjectProvider<K extends InformationRequestSubjectKind> {
  readonly kind: K;
  /** The subject's id as the request stores it (`subject_id`). */
  idOf(subject: SubjectOf<K>): string;
  /**
   * The caller may ask other agencies about this subject (for a family: they are its lead worker; for a
   * referral: a hub worker), or the refusal is thrown (404 when they may not know it exists). Returns the
   * other people of the asking side, who join the request's conversation with the requester.
   */
  askers(m: EntityManager, auth: AuthContext, subject: SubjectOf<K>): Promise<string[]>;
  /**
   * Asking shares the question, which is about the subject, with the agency asked: the decision to do so,
   * recorded (a refusal too, kept even though the caller's transaction rolls back). Returns the refusal,
   * or null to go ahead.
   */
  decideAsk(
    m: EntityManager,
    input: { requestId: string; subjectId: string; toAgencyId: string; decidedBy: string },
  ): Promise<AppError | null>;
  /** What became of the request, recorded as a decision on sharing the subject's information. */
  recordOutcome(
    m: EntityManager,
    input: { requestId: string; subjectId: string; toAgencyId: string; decidedBy: string; outcome: RequestOutcome },
  ): Promise<void>;
  /** The subject as a request's view shows it (a family by its reference). */
  view(m: EntityManager, subjectId: string): Promise<SubjectViewOf<K>>;
}

type AnyProvider = {
  [K in InformationRequestSubjectKind]: InformationRequestSubjectProvider<K>;
}[InformationRequestSubjectKind];

/**
 * The subject providers, by kind. Each module that owns a kind of subject registers its provider when it
 * starts; information requests never import those modules' services directly beyond this interface.
 */
@Injectable()
export class InformationRequestSubjects {
  private readonly providers = new Map<InformationRequestSubjectKind, AnyProvider>();

  register<K extends InformationRequestSubjectKind>(provider: InformationRequestSubjectProvider<K>): void {
    if (this.providers.has(provider.kind)) {
      throw new Error(`An information request subject of kind ${provider.kind} is already registered.`);
    }
    this.providers.set(provider.kind, provider as unknown as AnyProvider);
  }

  /** The provider of `kind`; every kind the contract allows has one once the application has started. */
  of<K extends InformationRequestSubjectKind>(kind: K): InformationRequestSubjectProvider<K> {
    const provider = this.providers.get(kind);
    if (!provider) throw new Error(`No information request subject of kind ${kind} is registered.`);
    return provider as unknown as InformationRequestSubjectProvider<K>;
  }
}
