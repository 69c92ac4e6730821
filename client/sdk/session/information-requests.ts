import {
  characterCount,
  DECLINE_EXPLANATION_MIN_CHARACTERS,
  DECLINE_EXPLANATION_REFUSAL,
  nonBlankCharacterCount,
  type InformationRequestSubject,
  type InformationRequestView,
} from '../../../contracts/information-requests.js';
import type { InformationRequestDocument, InformationResponseDocument } from '../../../contracts/sealed.js';
import type { FileReference } from '../content/file-reference.js';
import type { StrongroomClient } from '../client.js';
import type { Attachments, FileToSend, TransferProgress } from './attachments.js';
import type { ChannelKeys } from './channel-keys.js';
import { isTrustRefusal } from './device-trust.js';
import type { SealedRecords } from './sealed-records.js';

/**
 * An explanation of a refusal that does not meet the rule (at least 20 characters that are not spaces),
 * refused on this device before anything is sent. Its message is the rule in plain words.
 */
export class DeclineExplanationError extends Error {
  constructor() {
    super(DECLINE_EXPLANATION_REFUSAL);
    this.name = 'DeclineExplanationError';
  }
}

/** What to ask of a partner agency. */
export interface NewInformationRequest {
  /** What it is about: `{ kind: 'family', familyId }`. */
  subject: InformationRequestSubject;
  toAgencyId: string;
  /** When the answer is due by. */
  dueAt: Date | string;
  /** What is asked, and why: sealed, only the two sides read them. */
  question: string;
  why: string;
  /** The request conversation's title (sealed); by default "Information request". */
  title?: string;
}

/** A request as sent: the server's view, and whose devices could not be given the question yet. */
export interface SentInformationRequest {
  request: InformationRequestView;
  /**
   * People brought into the conversation (the agency's admins) who have no device yet, or none this
   * client trusts (an identity that changed: compare safety numbers, then `verify`), so could not be given
   * the question's key: share it once that is put right (`shareRecordKeys`).
   */
  notYetShared: string[];
}

/** An assignment made, and whether the assignee's devices were given the question's key. */
export interface AssignedInformationRequest {
  request: InformationRequestView;
  /** How many keys were given; 0 when they have no device yet, or none this client trusts. */
  keysShared: number;
  /** Why the key was not given, in plain words, when this client refused their devices; else null. */
  refused: string | null;
}

/** Files to send with an answer: encrypted on this device and kept with the request. */
export interface AnswerFiles {
  /** Each is encrypted and uploaded into the request's conversation before the answer is sealed. */
  files?: FileToSend[];
  /** Upload progress, per file (its index in `files`) and in bytes. */
  onProgress?: (file: number, p: TransferProgress) => void;
}

/** A refusal's explanation as opened, checked against the rule and the length its author declared. */
export interface CheckedExplanation {
  text: string;
  declaredLength: number;
  /**
   * Plain words when the explanation does not hold up: shorter than the rule (fewer than 20 characters
   * that are not spaces), or not the length its author's client declared to the server (changed after it
   * was written, or written by a client that does not follow the rule). Null when it holds.
   */
  warning: string | null;
}

/** A request's sealed parts, opened on this device. */
export interface OpenedInformationRequest {
  question: InformationRequestDocument;
  /** Once provided. */
  response: InformationResponseDocument | null;
  /** Once declined. */
  decline: CheckedExplanation | null;
}

/** The explanation's problem, if any, before it is sent (the same rule as `checkExplanation`). */
export const explanationTooShort = (text: string): boolean =>
  nonBlankCharacterCount(text) < DECLINE_EXPLANATION_MIN_CHARACTERS;

/**
 * Checks an opened explanation: the rule (at least 20 characters that are not spaces) and the length its
 * author declared, which the server checked against the size of what it stores but could not read.
 */
export function checkExplanation(text: string, declaredLength: number): CheckedExplanation {
  const length = characterCount(text);
  const warning =
    length !== declaredLength
      ? `This explanation is ${length} characters long, but ${declaredLength} were declared when it was sent: it may have been changed since, or written by an app that does not follow the agreement’s rule.`
      : explanationTooShort(text)
        ? `This explanation has fewer than ${DECLINE_EXPLANATION_MIN_CHARACTERS} characters that are not spaces: it does not explain the refusal as the agreement requires. Ask the agency for a written reason.`
        : null;
  return { text, declaredLength, warning };
}

/**
 * Information requests on one device: making the request's conversation and sealing the question,
 * answering and declining (the explanation checked here first), assigning (the assignee given the
 * question's key), and opening what was sealed, checking a refusal's explanation.
 */
export class InformationRequests {
  constructor(
    private readonly client: StrongroomClient,
    private readonly keys: ChannelKeys,
    private readonly records: SealedRecords,
    private readonly files: Attachments,
  ) {}

  /**
   * Asks a partner agency: makes the request's own conversation (this user alone, a first key, the title
   * sealed), seals the question under it bound to the new request's id, sends the request (the server
   * brings the agency's admins in), and gives the admins' devices the question's key.
   */
  async send(input: NewInformationRequest): Promise<SentInformationRequest> {
    const question = input.question.trim();
    const why = input.why.trim();
    if (!question) throw new Error('Say what you are asking the agency for.');
    if (!why) throw new Error('Say why you need it: the agency decides whether to share on that.');
    const id = globalThis.crypto.randomUUID();
    const channelId = await this.keys.createChannel({
      kind: 'information_request',
      members: [],
      title: input.title ?? 'Information request',
    });
    const request = await this.records.sealedWrite(async () =>
      this.client.createInformationRequest({
        id,
        channelId,
        subject: input.subject,
        toAgencyId: input.toAgencyId,
        dueAt: typeof input.dueAt === 'string' ? input.dueAt : input.dueAt.toISOString(),
        question: await this.records.sealField(channelId, 'information-request', { question, why }, { recordId: id }),
      }),
    );
    // The request is made: from here on a person whose devices cannot be given the key is reported, not
    // thrown, so the caller never takes a request that was sent for one that was not.
    const notYetShared: string[] = [];
    for (const member of (await this.client.channel(channelId)).members) {
      if (member.userId === request.requestedBy.userId) continue;
      const shared = await this.keys.shareRecordKeys(channelId, member.userId).catch((err: unknown) => {
        if (isTrustRefusal(err)) return 0;
        throw err;
      });
      if (shared === 0) notYetShared.push(member.userId);
    }
    return { request, notYetShared };
  }

  /**
   * Gives the request to someone of this admin's agency to answer, and their devices the question's key.
   * `keysShared` is 0 when they have no device yet: share again once they have (`shareRecordKeys`).
   */
  async assign(
    request: Pick<InformationRequestView, 'id' | 'channelId'>,
    userId: string,
  ): Promise<AssignedInformationRequest> {
    const view = await this.client.assignInformationRequest(request.id, { userId });
    try {
      return { request: view, keysShared: await this.keys.shareRecordKeys(request.channelId, userId), refused: null };
    } catch (err) {
      // The assignment is made: a device this client refuses is reported, not thrown.
      if (isTrustRefusal(err)) return { request: view, keysShared: 0, refused: err.message };
      throw err;
    }
  }

  /**
   * Answers with what the agency holds, sealed under the request's conversation. Files in `opts.files` are
   * encrypted here, each under its own key, and uploaded into that conversation (kept as long as the
   * request: `purpose: 'record'`) before the answer is sealed with their references beside any already in
   * `answer.files`; only the two sides can open them.
   */
  async provide(
    request: Pick<InformationRequestView, 'id' | 'channelId'>,
    answer: InformationResponseDocument,
    opts: AnswerFiles = {},
  ): Promise<InformationRequestView> {
    if (!answer.text.trim()) throw new Error('Write what your agency holds before sending it.');
    const uploaded: FileReference[] = [];
    for (const [i, f] of (opts.files ?? []).entries()) {
      uploaded.push(
        await this.files.upload(request.channelId, f.source, {
          name: f.name,
          mediaType: f.mediaType,
          size: f.size,
          purpose: 'record',
          onProgress: opts.onProgress ? (p) => opts.onProgress!(i, p) : undefined,
        }),
      );
    }
    const document: InformationResponseDocument = uploaded.length
      ? { ...answer, files: [...(answer.files ?? []), ...uploaded] }
      : answer;
    return this.records.sealedWrite(async () =>
      this.client.provideInformationResponse(request.id, {
        response: await this.records.sealField(request.channelId, 'information-response', document, {
          recordId: request.id,
        }),
      }),
    );
  }

  /**
   * Declines, with the written explanation the requester reads (ISA 3.3.10): at least a sentence, refused
   * here (`DeclineExplanationError`) before anything is sent, then sealed with its length declared beside it.
   */
  async decline(
    request: Pick<InformationRequestView, 'id' | 'channelId'>,
    explanation: string,
  ): Promise<InformationRequestView> {
    const text = explanation.trim();
    if (explanationTooShort(text)) throw new DeclineExplanationError();
    return this.records.sealedWrite(async () =>
      this.client.declineInformationResponse(request.id, {
        explanation: await this.records.sealField(
          request.channelId,
          'information-decline',
          { text },
          {
            recordId: request.id,
          },
        ),
        explanationLength: characterCount(text),
      }),
    );
  }

  /** Opens the question and any answer; a refusal's explanation is checked (`CheckedExplanation.warning`). */
  async open(request: InformationRequestView): Promise<OpenedInformationRequest> {
    const at = { recordId: request.id };
    const question = await this.records.openField(request.channelId, 'information-request', request.question, at);
    const response = request.response
      ? await this.records.openField(request.channelId, 'information-response', request.response, at)
      : null;
    let decline: CheckedExplanation | null = null;
    if (request.decline) {
      const opened: { text?: unknown } = await this.records.openField(
        request.channelId,
        'information-decline',
        request.decline.explanation,
        at,
      );
      // Read defensively: another client may have sealed something other than `{ text }`.
      decline = checkExplanation(typeof opened.text === 'string' ? opened.text : '', request.decline.explanationLength);
    }
    return { question, response, decline };
  }
}
