import type { SealedField } from '../../../contracts/common.js';
import type {
  MinutesAmendment,
  MinutesDocument,
  PlanDocument,
  SealedDocument,
  SealedPurpose,
} from '../../../contracts/sealed.js';
import type { StrongroomClient } from '../client.js';
import { DecryptError, decryptField, encryptField, type FieldBinding } from '../crypto/channel-crypto.js';
import { minutesTextHash, signMinutes, verifyMinutes } from '../crypto/minutes.js';
import { planTextHash, signPlan, verifyPlan } from '../crypto/plan.js';
import type { ExportTextProof } from '../export/record-export.js';
import type { StoredDevice } from '../store/key-store.js';
import { StrongroomApiError } from '../transport/http.js';
import { Backoff, DEFAULT_RETRY, type RetryPolicy } from '../transport/retry.js';
import type { FamilyPlanVersionView, MeetingView, PlanSavedView } from '../types.js';
import type { ChannelKeys } from './channel-keys.js';
import { isTrustRefusal, type DeviceTrust } from './device-trust.js';
import { FieldBindingError, UnableToDecryptError } from './errors.js';

/**
 * What was checked to trust a record signed over its text (minutes, a plan version): the signer's device
 * and key, the hash of the text, the sealed bytes and the signature over both.
 */
export type SignedTextProof = ExportTextProof;

/** A version of the whole-family plan to save on top of `baseVersion` (0 for the first). */
export interface PlanVersionInput {
  baseVersion: number;
  document: PlanDocument;
  /** `YYYY-MM-DD`. */
  reviewOn: string;
  coveredMemberIds: string[];
}

/** The latest version of the plan decrypted, with what was checked of its author's signature. */
export interface CheckedPlan {
  version: number;
  document: PlanDocument;
  /** The signature that was checked, when it holds. */
  proof: SignedTextProof | null;
  /**
   * Plain words when the version is not shown as signed by its author (saved before plans were signed,
   * changed on the server after signing, or signed by another device); null when the signature holds.
   */
  warning: string | null;
}

/** An amendment to final minutes, its author's signature checked, decrypted. */
export interface VerifiedAmendment extends MinutesAmendment {
  number: number;
  authorId: string;
  createdAt: string;
  proof: SignedTextProof;
}

/** Final minutes and their amendments, every signature checked, decrypted, each with the proof checked. */
export interface VerifiedMinutes<T extends MinutesDocument = MinutesDocument> {
  version: number;
  document: T;
  proof: SignedTextProof;
  amendments: VerifiedAmendment[];
}

/**
 * Records kept beside a channel whose content only its members can read: sealed fields (a family
 * member's details, a rationale, a meeting's agenda…, typed by purpose in contracts/sealed.ts) and the
 * meeting minutes, which are also signed by a device at close and at each amendment.
 */
export class SealedRecords {
  constructor(
    private readonly client: StrongroomClient,
    private readonly device: StoredDevice,
    private readonly keys: ChannelKeys,
    private readonly trust: DeviceTrust,
    private readonly policy: RetryPolicy = DEFAULT_RETRY,
  ) {}

  /**
   * Seals a value under the channel's current epoch, as the server sees it now: the server refuses a
   * sealed field under any other (`409 epoch_stale`), so the cached send epoch is not trusted here, and
   * when a rotation is due this device opens the next epoch first. When this device holds no key for
   * that epoch it opens the next one once and tries again.
   */
  async sealField<P extends SealedPurpose>(
    channelId: string,
    purpose: P,
    value: SealedDocument<P>,
    at: FieldBinding,
  ): Promise<SealedField> {
    this.keys.forgetSendEpoch(channelId);
    const { epoch, key } = await this.keys.sendKey(channelId);
    return { epoch, ciphertext: await encryptField(value, purpose, channelId, epoch, key, at) };
  }

  /**
   * Opens a sealed field of the record `at` names. The purpose, record and version are bound into the
   * ciphertext, so a field sealed for another purpose, record or version does not open; the document type
   * is what the registry says that purpose holds.
   */
  async openField<P extends SealedPurpose>(
    channelId: string,
    purpose: P,
    sealed: SealedField,
    at: FieldBinding,
  ): Promise<SealedDocument<P>> {
    try {
      return await decryptField<SealedDocument<P>>(
        sealed.ciphertext,
        purpose,
        channelId,
        sealed.epoch,
        await this.keys.keyFor(channelId, sealed.epoch),
        at,
      );
    } catch (err) {
      if (err instanceof DecryptError) {
        throw new FieldBindingError();
      }
      throw err;
    }
  }

  /**
   * Seals and writes; when the channel's keys changed between the two (a rotation by someone else: 409
   * `epoch_stale`), seals again under the new key and writes again, as often as that happens (after a
   * short, growing wait from the second time) until the retry policy's time runs out.
   */
  async sealedWrite<T>(write: () => Promise<T>): Promise<T> {
    const backoff = new Backoff(this.policy);
    for (let attempt = 0; ; attempt++) {
      try {
        return await write();
      } catch (err) {
        if (!(err instanceof StrongroomApiError) || err.code !== 'epoch_stale') throw err;
        // Another rotation raced this one (members coming and going): go on while time is left.
        if (attempt > 0 && !(await backoff.wait(err))) throw err;
      }
    }
  }

  /** Saves the minutes as a new version on top of `baseVersion`; returns the new version. */
  async saveMinutes(meetingId: string, document: MinutesDocument, baseVersion: number): Promise<number> {
    const meeting = await this.client.meeting(meetingId);
    return this.sealedWrite(async () => {
      const minutes = await this.sealField(meeting.channelId, 'minutes', document, {
        recordId: meetingId,
        version: baseVersion + 1,
      });
      return (await this.client.saveMinutes(meetingId, { baseVersion, minutes })).version;
    });
  }

  /** The latest minutes, decrypted, with their version (null before the first save). */
  async readMinutes<T extends MinutesDocument = MinutesDocument>(
    meetingId: string,
  ): Promise<{ version: number; document: T } | null> {
    const meeting = await this.client.meeting(meetingId);
    if (!meeting.minutes) return null;
    return {
      version: meeting.minutes.version,
      // A caller may name a narrower document it wrote itself; what the registry promises is MinutesDocument.
      document: (await this.openField(meeting.channelId, 'minutes', meeting.minutes, {
        recordId: meetingId,
        version: meeting.minutes.version,
      })) as T,
    };
  }

  /**
   * Closes the meeting: this device signs the latest version of the minutes, which locks them. The
   * signature covers the sealed bytes and the hash of the text this device decrypts from them, so the
   * text can be checked against it later without the key (an export).
   */
  async closeMeeting(meetingId: string): ReturnType<StrongroomClient['closeMeeting']> {
    const meeting = await this.client.meeting(meetingId);
    if (!meeting.minutes) throw new Error('Write the minutes before closing the meeting.');
    const latest = meeting.minutes;
    const textHash = await minutesTextHash(
      await this.openField(meeting.channelId, 'minutes', latest, { recordId: meetingId, version: latest.version }),
    );
    const signature = await signMinutes(
      meetingId,
      'final',
      meeting.minutes.version,
      textHash,
      meeting.minutes.ciphertext,
      this.device.keys.ed25519.privateKey,
    );
    return this.client.closeMeeting(meetingId, {
      version: meeting.minutes.version,
      textHash,
      deviceId: this.device.deviceId,
      signature,
    });
  }

  /** A signed correction to closed minutes, with its reason; the original is kept. */
  async amendMinutes(meetingId: string, correction: MinutesAmendment): ReturnType<StrongroomClient['amendMinutes']> {
    const meeting = await this.client.meeting(meetingId);
    const number = meeting.amendments.length + 1;
    // Hashed as it will decrypt: the JSON value, not the object in memory.
    const textHash = await minutesTextHash(JSON.parse(JSON.stringify(correction)));
    return this.sealedWrite(async () => {
      const amendment = await this.sealField(meeting.channelId, 'minutes-amendment', correction, {
        recordId: meetingId,
        version: number,
      });
      const signature = await signMinutes(
        meetingId,
        'amendment',
        number,
        textHash,
        amendment.ciphertext,
        this.device.keys.ed25519.privateKey,
      );
      return this.client.amendMinutes(meetingId, {
        number,
        amendment,
        textHash,
        deviceId: this.device.deviceId,
        signature,
      });
    });
  }

  /**
   * Checks the final minutes and every amendment against the signer's device key (pinned on first use)
   * and decrypts them: what an auditor or an export relies on. Each signature must cover the sealed
   * bytes and the hash of the text, and the decrypted text must hash to it. Each comes with the proof
   * that was checked (signer device and key, text hash, sealed bytes, signature), so it can be checked
   * again elsewhere. Pass the meeting if it was just fetched.
   */
  async verifiedMinutes<T extends MinutesDocument = MinutesDocument>(
    meetingId: string,
    fetched?: MeetingView,
  ): Promise<VerifiedMinutes<T>> {
    const meeting = fetched ?? (await this.client.meeting(meetingId));
    const final = meeting.final;
    if (!final) throw new Error('The meeting is not closed: its minutes are not final yet.');
    const versions = await this.client.minutesVersions(meetingId);
    const version = versions.find((v) => v.version === final.version);
    if (!version) throw new UnableToDecryptError(`The final minutes (version ${final.version}) are missing.`);
    if (!final.textHash) {
      throw new UnableToDecryptError(
        'The final minutes were signed before signatures covered their text, so their text cannot be checked.',
      );
    }
    const signer = await this.trust.deviceKeys(final.deviceId);
    if (
      signer.userId !== meeting.chairId ||
      !(await verifyMinutes(
        meetingId,
        'final',
        version.version,
        final.textHash,
        version.ciphertext,
        final.signature,
        signer.ed25519PublicKey,
      ))
    ) {
      throw new UnableToDecryptError('The final minutes are not signed by the chair’s device.');
    }
    const document = await this.openField(meeting.channelId, 'minutes', version, {
      recordId: meetingId,
      version: version.version,
    });
    if ((await minutesTextHash(document)) !== final.textHash) {
      throw new UnableToDecryptError('The text of the final minutes is not the text the chair signed.');
    }
    const amendments: VerifiedAmendment[] = [];
    for (const a of meeting.amendments) {
      const author = await this.trust.deviceKeys(a.deviceId);
      if (
        !a.textHash ||
        author.userId !== a.authorId ||
        !(await verifyMinutes(
          meetingId,
          'amendment',
          a.number,
          a.textHash,
          a.ciphertext,
          a.signature,
          author.ed25519PublicKey,
        ))
      ) {
        throw new UnableToDecryptError(`Amendment ${a.number} is not signed by its author’s device.`);
      }
      const correction = await this.openField(meeting.channelId, 'minutes-amendment', a, {
        recordId: meetingId,
        version: a.number,
      });
      if ((await minutesTextHash(correction)) !== a.textHash) {
        throw new UnableToDecryptError(`The text of amendment ${a.number} is not the text its author signed.`);
      }
      amendments.push({
        number: a.number,
        authorId: a.authorId,
        createdAt: a.createdAt,
        ...correction,
        proof: {
          deviceId: a.deviceId,
          publicKey: author.ed25519PublicKey,
          textHash: a.textHash,
          ciphertext: a.ciphertext,
          signature: a.signature,
        },
      });
    }
    return {
      version: version.version,
      document: document as T,
      proof: {
        deviceId: final.deviceId,
        publicKey: signer.ed25519PublicKey,
        textHash: final.textHash,
        ciphertext: version.ciphertext,
        signature: final.signature,
      },
      amendments,
    };
  }

  /**
   * Saves a version of the whole-family plan on top of `baseVersion` (a stale base is refused): sealed,
   * bound to the family and version, and signed by this device over the text together with the review
   * date and the members it covers, which the server sees and so could otherwise change unnoticed.
   */
  async savePlan(family: { id: string; channelId: string }, input: PlanVersionInput): Promise<PlanSavedView> {
    const version = input.baseVersion + 1;
    const coveredMemberIds = [...new Set(input.coveredMemberIds)].sort();
    // Hashed as it will decrypt: the JSON value, not the object in memory.
    const document = JSON.parse(JSON.stringify(input.document)) as PlanDocument;
    const textHash = await planTextHash({ document, reviewOn: input.reviewOn, coveredMemberIds });
    return this.sealedWrite(async () => {
      const plan = await this.sealField(family.channelId, 'family-plan', document, { recordId: family.id, version });
      return this.client.saveFamilyPlan(family.id, {
        baseVersion: input.baseVersion,
        plan,
        reviewOn: input.reviewOn,
        coveredMemberIds,
        textHash,
        deviceId: this.device.deviceId,
        signature: await signPlan(family.id, version, textHash, plan.ciphertext, this.device.keys.ed25519.privateKey),
      });
    });
  }

  /**
   * Opens a version of the plan (its text is bound to the family and version, so a version moved from
   * elsewhere does not open) and checks its author's signature over the text, review date and covered
   * members. A version that does not hold is still returned, with a warning to show beside it.
   */
  async readPlan(family: { id: string; channelId: string }, plan: FamilyPlanVersionView): Promise<CheckedPlan> {
    const document = await this.openField(family.channelId, 'family-plan', plan, {
      recordId: family.id,
      version: plan.version,
    });
    const checked = (warning: string | null, proof: SignedTextProof | null = null): CheckedPlan => ({
      version: plan.version,
      document,
      proof,
      warning,
    });
    if (!plan.textHash || !plan.deviceId || !plan.signature) {
      return checked('This version of the plan was saved before plans were signed: who wrote it cannot be checked.');
    }
    let signer;
    try {
      signer = await this.trust.deviceKeys(plan.deviceId);
    } catch (err) {
      if (!isTrustRefusal(err)) throw err;
      return checked(`The device that signed this version of the plan is not trusted here: ${err.message}`);
    }
    if (
      signer.userId !== plan.authorId ||
      !(await verifyPlan(
        family.id,
        plan.version,
        plan.textHash,
        plan.ciphertext,
        plan.signature,
        signer.ed25519PublicKey,
      ))
    ) {
      return checked('This version of the plan is not signed by its author’s device: it was changed on the server.');
    }
    const hash = await planTextHash({ document, reviewOn: plan.reviewOn, coveredMemberIds: plan.coveredMemberIds });
    if (hash !== plan.textHash) {
      return checked(
        'The review date or the family members this plan covers were changed on the server after its author signed it.',
      );
    }
    return checked(null, {
      deviceId: plan.deviceId,
      publicKey: signer.ed25519PublicKey,
      textHash: plan.textHash,
      ciphertext: plan.ciphertext,
      signature: plan.signature,
    });
  }
}
