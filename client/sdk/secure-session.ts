import type { SealedField } from '../../contracts/common.js';
import type { StrongroomClient } from './client.js';
import type { FieldBinding, MessageContent } from './crypto/channel-crypto.js';
import { ChannelKeys, type Announced, type NewChannel } from './session/channel-keys.js';
import { DeviceTrust, type DeviceClaim, type TrustedDevice, type VerifiedPerson } from './session/device-trust.js';
import type { ConversationView, MessageView } from './content/conversation.js';
import {
  Conversations,
  type ChannelConversation,
  type EditOptions,
  type SendTextOptions,
} from './session/conversations.js';
import { MessageCache, type DecryptedMessage } from './session/message-cache.js';
import {
  MessageStream,
  type DecryptedPage,
  type SendOptions,
  type SubscribeOptions,
} from './session/message-stream.js';
import { CLOCK_TOLERANCE_MS } from './session/message-order.js';
import {
  InformationRequests,
  type AnswerFiles,
  type AssignedInformationRequest,
  type NewInformationRequest,
  type OpenedInformationRequest,
  type SentInformationRequest,
} from './session/information-requests.js';
import {
  SealedRecords,
  type CheckedPlan,
  type PlanVersionInput,
  type VerifiedMinutes,
} from './session/sealed-records.js';
import type { StoredDevice } from './store/key-store.js';
import {
  Attachments,
  type DownloadOptions,
  type FileToSend,
  type TransferProgress,
  type UploadOptions,
} from './session/attachments.js';
import type { FileReference } from './content/file-reference.js';
import { fileContent, parseContent } from './content/message-content.js';
import { MemoryTrustStore, type PinnedDevice, type PinnedIdentity, type TrustStore } from './store/trust-store.js';
import type { RealtimeConnection } from './transport/realtime.js';
import { DEFAULT_RETRY, type RetryPolicy } from './transport/retry.js';
import type {
  InformationResponseDocument,
  MinutesAmendment,
  MinutesDocument,
  SealedDocument,
  SealedPurpose,
} from '../../contracts/sealed.js';
import type {
  AddMemberRequest,
  ChannelView,
  InformationRequestView,
  FamilyPlanVersionView,
  MeetingView,
  PlanSavedView,
  RealtimeMessage,
  StoredMessageView,
} from './types.js';

export { SendNotConfirmedError, UnableToDecryptError } from './session/errors.js';
export type { DecryptedMessage } from './session/message-cache.js';
/** Whom a key went to and whom its maker left out, by device id (`keyRecipients`). */
export type KeyRecipients = Announced;

/** What a session may be given besides its client, device, pins and clock. */
export interface SessionOptions {
  /**
   * How long an operation keeps trying through network errors, timeouts, dropped sockets and 5xx answers
   * (a send until acknowledged, a key or a page until fetched), and how it spaces its attempts. Default
   * `DEFAULT_RETRY`: a minute, waits from ¼ s growing to 5 s. `giveUpAfterMs` may be at most 4 minutes:
   * a message keeps the time it was signed at through every attempt, and readers flag one stored more
   * than 5 minutes after that time as re-dated.
   */
  retry?: Partial<RetryPolicy>;
}

/** The longest a send may keep trying: the readers' clock tolerance, less a minute for clocks that differ. */
const MAX_GIVE_UP_AFTER_MS = CLOCK_TOLERANCE_MS - 60_000;

/**
 * End-to-end encrypted channels for one signed-in device: the public API the CLI, the tests and (next)
 * the web client use. It wires four parts that each do one job (`session/`) and delegates to them:
 * - `DeviceTrust` pins other devices' keys at first sight and refuses changed ones;
 * - `ChannelKeys` opens and rotates epochs, opens the keys sealed to this device, shares history;
 * - `SealedRecords` seals and opens fields kept beside a channel, and writes and checks signed minutes;
 * - `MessageStream` sends, decrypts, pages and delivers live, with the local cache (`MessageCache`).
 * The crypto is in `crypto/` (no I/O); these decide what to fetch and when. Epoch changes, races and
 * membership changes are handled inside, so callers just `send` and `read`.
 */
export class SecureSession {
  private readonly trust: DeviceTrust;
  private readonly keys: ChannelKeys;
  private readonly records: SealedRecords;
  private readonly cache: MessageCache;
  private readonly messages: MessageStream;
  private readonly conversations: Conversations;
  private readonly files: Attachments;
  private readonly requests: InformationRequests;
  private readonly warningListeners = new Set<(message: string) => void>();

  /**
   * @param trustStore where pins persist (a file for the CLI); in memory by default.
   * @param now this device's clock, which decides local expiry (tests pass the server's fake clock).
   * @param options how long to keep trying through failures that are not the request's fault.
   */
  constructor(
    readonly client: StrongroomClient,
    readonly device: StoredDevice,
    trustStore: TrustStore = new MemoryTrustStore(),
    now: () => Date = () => new Date(),
    options: SessionOptions = {},
  ) {
    const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
    if (!(retry.giveUpAfterMs >= 0 && retry.giveUpAfterMs <= MAX_GIVE_UP_AFTER_MS)) {
      throw new RangeError(
        `retry.giveUpAfterMs must be between 0 and ${MAX_GIVE_UP_AFTER_MS} ms: a message stored later than ` +
          'that after it was signed is shown to readers as re-dated.',
      );
    }
    const own = device.identity ? { userId: device.userId, identityPublicKey: device.identity.publicKey } : undefined;
    this.trust = new DeviceTrust(client, trustStore, now, own);
    const warn = (message: string) => {
      for (const listener of this.warningListeners) listener(message);
    };
    this.keys = new ChannelKeys(client, device, this.trust, warn, retry);
    this.records = new SealedRecords(client, device, this.keys, this.trust, retry);
    this.cache = new MessageCache(now);
    this.messages = new MessageStream(client, device, this.keys, this.trust, this.cache, now, retry);
    this.conversations = new Conversations(this.messages, this.cache, device.userId, now);
    this.files = new Attachments(client, device, retry);
    this.requests = new InformationRequests(client, this.keys, this.records, this.files);
  }

  /** This device's id: the sender of what this session sends, the recipient of the keys it opens. */
  get deviceId(): string {
    return this.device.deviceId;
  }
  /** The signed-in user this device belongs to. */
  get userId(): string {
    return this.device.userId;
  }

  // ── trust ─────────────────────────────────────────────────────────────────────────────────────

  /**
   * The user compared safety numbers out of band and accepts this person's identity key (`compared`, the
   * key whose number they compared; refused if the server now gives another): forgets old pins, pins it
   * as verified, and checks their devices against it. The way out of an
   * `IdentityChangedError` or a `KeyChangedError`. Channels shared with them take the person back at
   * their next new key (`rotate`).
   */
  verify(userId: string, compared?: string): Promise<VerifiedPerson> {
    return this.trust.verify(userId, compared);
  }

  /** A device's public keys, from the pins or (checked and pinned) from the server, so a signature can be checked. */
  deviceKeys(deviceId: string): Promise<TrustedDevice> {
    return this.trust.deviceKeys(deviceId);
  }

  /** Whether this client accepts a device (usable keys, approved by its owner's pinned identity), or why not. */
  checkDevice(d: DeviceClaim): Promise<void> {
    return this.trust.check(d);
  }

  /**
   * A device with its owner's identity key and identity signature over it, checked (null if this client
   * does not trust it now): what an export carries so its signers can be checked offline.
   */
  signerEvidence(deviceId: string): Promise<DeviceClaim | null> {
    return this.trust.signerEvidence(deviceId);
  }

  /** When this client first saw each of a person's devices, and their identity as pinned here. */
  async seen(userId: string): Promise<{ identity: PinnedIdentity | undefined; devices: PinnedDevice[] }> {
    return { identity: await this.trust.identityOf(userId), devices: await this.trust.firstSeen(userId) };
  }

  /**
   * Hears each refusal this device makes while working (a device left out of a new key, a key refused),
   * in plain words, so an application can show it. Returns a function that stops listening.
   */
  onWarning(listener: (message: string) => void): () => void {
    this.warningListeners.add(listener);
    return () => this.warningListeners.delete(listener);
  }

  // ── channels and epochs ─────────────────────────────────────────────────────────────────────────

  /**
   * Creates a channel and opens its first epoch (with the title, encrypted, if one is given), so it is
   * ready to send on at once. Returns the channel's id.
   */
  createChannel(input: NewChannel): Promise<string> {
    return this.keys.createChannel(input);
  }

  /** The channel's title in clear, or null when it has none (the server holds it sealed). */
  title(channelId: string): Promise<string | null> {
    return this.keys.title(channelId);
  }

  /**
   * Opens the next epoch: a fresh key sealed to exactly the current member devices, announced with this
   * device's signature. If another device got there first, carries on with theirs; if the membership
   * changed meanwhile, rebuilds, as often as it takes within the retry policy's time (and so through
   * network errors and 5xx answers). Returns the channel's current epoch afterwards. Call it after
   * removing a member so they cannot read what follows (sending does it by itself when the server asks).
   */
  rotate(channelId: string, newTitle?: string): Promise<number> {
    return this.keys.rotate(channelId, newTitle);
  }

  /**
   * The key of one epoch for this device: fetched sealed, the opener's announcement checked, then opened
   * here. Throws `UnableToDecryptError` when this device holds none (final); a fetch that fails for the
   * moment is tried again within the retry policy's time, then its error (network, 5xx) is thrown.
   */
  keyFor(channelId: string, epoch: number): Promise<Uint8Array> {
    return this.keys.keyFor(channelId, epoch);
  }

  /**
   * Who one of a channel's keys went to, and whose devices its maker left out (devices their client
   * refused: an identity that changed, a device never approved), from its signed announcement as checked
   * when this device opened the key: so an application can show who cannot read what was sent under it.
   * Throws as `keyFor` does.
   */
  keyRecipients(channelId: string, epoch: number): Promise<KeyRecipients> {
    return this.keys.announced(channelId, epoch);
  }

  /**
   * Shares the keys of the epochs this device holds with another member's devices (a newcomer, by an
   * explicit, audited decision), or with this user's own other devices. Returns how many envelopes the
   * server stored.
   */
  shareHistory(channelId: string, userId: string, opts: { beforeEpoch?: number } = {}): Promise<number> {
    return this.keys.shareHistory(channelId, userId, opts);
  }

  /**
   * The chair's or lead worker's part of an approved audit grant (ISA 6.1): gives the auditor's devices
   * the keys to the older messages of each channel the grant opens, as an explicit, audited history
   * share. Returns how many keys went, per channel. Only while the auditor is a member (the grant live).
   */
  async shareGrantHistory(grant: { auditorId: string; channelIds: string[] }): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const channelId of grant.channelIds) out[channelId] = await this.shareHistory(channelId, grant.auditorId);
    return out;
  }

  /**
   * Gives a member's devices the keys the channel's case record needs (family details, minutes, actions,
   * the plan) and no older chat: audited as a record-key share. `addMember` does it for a newcomer.
   */
  shareRecordKeys(channelId: string, userId: string): Promise<number> {
    return this.keys.shareRecordKeys(channelId, userId);
  }

  /**
   * Adds a member and gives their devices the keys of the case record, so they read the family's
   * details, minutes, actions and plan at once, but no chat from before they joined. Returns the channel
   * and how many keys were shared (0 if they have no approved device yet: share again once they do).
   */
  async addMember(
    channelId: string,
    input: AddMemberRequest,
  ): Promise<{ channel: ChannelView; recordKeysShared: number }> {
    const channel = await this.client.addMember(channelId, input);
    return { channel, recordKeysShared: await this.keys.shareRecordKeys(channelId, input.userId) };
  }

  // ── sealed fields and minutes ───────────────────────────────────────────────────────────────────

  /**
   * Runs `write` (which seals with `sealField` and sends the result), and again each time the channel's
   * keys changed in between (409 `epoch_stale`), within the retry policy's time: the server takes sealed
   * fields only under the current key.
   */
  sealedWrite<T>(write: () => Promise<T>): Promise<T> {
    return this.records.sealedWrite(write);
  }

  /**
   * Seals a document for a record kept beside a channel (a family member's details, a competence
   * rationale, a lawful-basis justification, an agenda…): only the channel's members can open it. The
   * purpose names what it holds (contracts/sealed.ts), and the document must be of that purpose's type.
   */
  sealField<P extends SealedPurpose>(
    channelId: string,
    purpose: P,
    value: SealedDocument<P>,
    at: FieldBinding,
  ): Promise<SealedField> {
    return this.records.sealField(channelId, purpose, value, at);
  }

  /**
   * Opens a sealed field as the document its purpose holds. A field sealed for another purpose or
   * another channel does not open (`UnableToDecryptError` or a decryption error).
   */
  openField<P extends SealedPurpose>(
    channelId: string,
    purpose: P,
    sealed: SealedField,
    at: FieldBinding,
  ): Promise<SealedDocument<P>> {
    return this.records.openField(channelId, purpose, sealed, at);
  }

  /**
   * Saves the minutes of an open meeting as a new version on top of `baseVersion` (a stale base is
   * refused, so two minute-takers never overwrite each other). Returns the new version.
   */
  saveMinutes(meetingId: string, document: MinutesDocument, baseVersion: number): Promise<number> {
    return this.records.saveMinutes(meetingId, document, baseVersion);
  }

  /** The latest minutes, decrypted, with their version (null before the first save): where an edit starts. */
  readMinutes<T extends MinutesDocument = MinutesDocument>(
    meetingId: string,
  ): Promise<{ version: number; document: T } | null> {
    return this.records.readMinutes<T>(meetingId);
  }

  /** Closes the meeting: this device signs the latest version of the minutes, which locks them. */
  closeMeeting(meetingId: string): Promise<MeetingView> {
    return this.records.closeMeeting(meetingId);
  }

  /** A signed correction to closed minutes, with its reason; the original is kept. */
  amendMinutes(meetingId: string, correction: MinutesAmendment): Promise<MeetingView> {
    return this.records.amendMinutes(meetingId, correction);
  }

  /**
   * Checks the final minutes and every amendment against the signer's device key (pinned on first use)
   * and decrypts them: what an auditor or an export relies on. Each comes with the proof that was
   * checked (signer device and key, the sealed bytes, the signature), so it can be checked again
   * elsewhere. Pass the meeting if it was just fetched.
   */
  verifiedMinutes<T extends MinutesDocument = MinutesDocument>(
    meetingId: string,
    fetched?: MeetingView,
  ): Promise<VerifiedMinutes<T>> {
    return this.records.verifiedMinutes<T>(meetingId, fetched);
  }

  /**
   * Saves a version of the whole-family plan on top of `baseVersion` (a stale base is refused), signed by
   * this device over its text, review date and covered members.
   */
  savePlan(family: { id: string; channelId: string }, input: PlanVersionInput): Promise<PlanSavedView> {
    return this.records.savePlan(family, input);
  }

  /**
   * Opens a version of the plan and checks its author's signature; one that does not hold comes back with
   * a `warning` in plain words to show beside it.
   */
  readPlan(family: { id: string; channelId: string }, plan: FamilyPlanVersionView): Promise<CheckedPlan> {
    return this.records.readPlan(family, plan);
  }

  // ── information requests between agencies ───────────────────────────────────────────────────────

  /**
   * Asks a partner agency what it holds (ISA 3.3.9): makes the request's own conversation, seals the
   * question and why under it, sends the request (the agency's admins join the conversation), and gives
   * their devices the question's key. `notYetShared` names those with no device this client trusts yet.
   */
  sendInformationRequest(input: NewInformationRequest): Promise<SentInformationRequest> {
    return this.requests.send(input);
  }

  /** An agency admin gives a request to someone of their agency to answer, and their devices the question's key. */
  assignInformationRequest(
    request: Pick<InformationRequestView, 'id' | 'channelId'>,
    userId: string,
  ): Promise<AssignedInformationRequest> {
    return this.requests.assign(request, userId);
  }

  /**
   * Answers an accepted request with what the agency holds, sealed for the two sides only. Files in
   * `opts.files` are encrypted here and uploaded into the request's conversation first (progress per file
   * through `opts.onProgress`); their references go into the sealed answer (`files`).
   */
  provideInformation(
    request: Pick<InformationRequestView, 'id' | 'channelId'>,
    answer: InformationResponseDocument,
    opts: AnswerFiles = {},
  ): Promise<InformationRequestView> {
    return this.requests.provide(request, answer, opts);
  }

  /**
   * Declines a request with a written explanation the requester reads (ISA 3.3.10). One shorter than 20
   * characters that are not spaces is refused here with `DeclineExplanationError`, before anything is sent.
   */
  declineInformationRequest(
    request: Pick<InformationRequestView, 'id' | 'channelId'>,
    explanation: string,
  ): Promise<InformationRequestView> {
    return this.requests.decline(request, explanation);
  }

  /**
   * Opens a request's question and answer. A refusal's explanation comes with a `warning` in plain words
   * when it is shorter than the rule or not the length its author declared: show it beside the text.
   */
  openInformationRequest(request: InformationRequestView): Promise<OpenedInformationRequest> {
    return this.requests.open(request);
  }

  // ── messages ────────────────────────────────────────────────────────────────────────────────────

  /**
   * Encrypts, signs and sends (over the socket once `connect`ed, else HTTP), and sees it through: resolves
   * with the stored message once acknowledged, never stores it twice, and never gives up on a failure
   * that is not the request's fault before the retry policy's time runs out.
   * - Network errors, timeouts, a dropped socket, 5xx answers (`503 service_unavailable`): the same sealed
   *   message (same client message id, counter, chain link, time and signature) is sent again with
   *   back-off; the server answers one it already stored with that copy.
   * - A stale key (membership or device change, or the clock; 409 `epoch_stale`): rotates and sends the
   *   same header again under the new key, as often as other devices race it.
   * - Out of time: rejects with `SendNotConfirmedError`. The message may have arrived: send it again with
   *   the same `clientMessageId` (pass it in `opts`) and it is stored once; the answer is the stored copy.
   * - A refusal (any other 4xx): rejects with it (`StrongroomApiError`).
   */
  send(channelId: string, content: MessageContent | string, opts: SendOptions = {}): Promise<StoredMessageView> {
    return this.messages.send(channelId, content, opts);
  }

  /**
   * Decrypts one stored or live message; a failure to decrypt or verify is reported on the message
   * (`error`), never thrown. Fetching what it needs is tried again within the retry policy's time; if the
   * server still cannot be reached, that error is thrown (the message may yet be read).
   */
  decrypt(channelId: string, m: StoredMessageView | RealtimeMessage): Promise<DecryptedMessage> {
    return this.messages.decrypt(channelId, m);
  }

  /**
   * One page of messages after `after`, decrypted, expired ones left out; they are kept in the cache.
   * Fetches are tried again within the retry policy's time, then their error is thrown.
   */
  read(channelId: string, opts: { after?: number; limit?: number } = {}): Promise<DecryptedPage> {
    return this.messages.read(channelId, opts);
  }

  /** Everything after `after`, page by page: how a device catches up after a gap or days away. */
  readAll(channelId: string, after = 0, onProgress?: (count: number) => void): Promise<DecryptedMessage[]> {
    return this.messages.readAll(channelId, after, onProgress);
  }

  /**
   * Deletes one of this user's messages (the server keeps a tombstone) and drops it from the cache. A file
   * this user sent in it is taken back too, so nobody can fetch it any more.
   */
  async deleteMessage(channelId: string, seq: number): Promise<void> {
    const held = this.cache.cached(channelId).find((m) => m.seq === seq);
    const content = held && !held.unverified && !held.error ? parseContent(held.content) : null;
    await this.messages.deleteMessage(channelId, seq);
    if (content?.type === 'file' && held?.senderUserId === this.userId) {
      await this.files.remove(content.attachmentId);
    }
  }

  // ── encrypted files ─────────────────────────────────────────────────────────────────────────────

  /**
   * Encrypts a file on this device under a key of its own and uploads it into a channel, a piece (64 KiB)
   * at a time: `source` is any async iterable of bytes (a Node stream from `fs.createReadStream`, a
   * Blob's `stream()`), and must yield exactly `opts.size` bytes. Pieces that fail for a reason that is not
   * theirs (the network, a 5xx) are sent again within the retry policy's time, and stored once. Resolves
   * with the file reference, which holds the file's key: put it in a message (`sendFile` does) or a sealed
   * field (a record's attachments, with `purpose: 'record'`); it must never travel in clear. Refusals:
   * `413 too_large` over the server's limit, before any piece is sent; `403` for a non-member or observer.
   */
  uploadFile(channelId: string, source: FileToSend['source'], opts: UploadOptions): Promise<FileReference> {
    return this.files.upload(channelId, source, opts);
  }

  /**
   * A file's content, decrypted and checked piece by piece as it arrives (never held whole). A file that
   * was altered, reordered, cut short or extended, or is not the one the reference names, throws
   * `AttachmentIntegrityError` partway through: **keep what was read only when the iteration completes**
   * (write to a temporary file, and rename it at the end). Server refusals (`403` for someone no longer in
   * the channel, `404` for an expired file) are thrown as `StrongroomApiError`.
   */
  downloadFile(ref: FileReference, opts: DownloadOptions = {}): AsyncGenerator<Uint8Array> {
    return this.files.download(ref, opts);
  }

  /**
   * Uploads a file (as `uploadFile`, purpose `message`) and sends a message with it, and a caption if
   * given (as `send`: same retries and `clientMessageId` rule). Readers see it as a file message
   * (`MessageView.kind === 'file'`). In Node, `fileToSend(path)` from the SDK's Node entry makes `file`.
   */
  async sendFile(
    channelId: string,
    file: FileToSend,
    opts: { caption?: string; clientMessageId?: string; onProgress?: (p: TransferProgress) => void } = {},
  ): Promise<{ message: StoredMessageView; file: FileReference }> {
    const ref = await this.files.upload(channelId, file.source, {
      name: file.name,
      mediaType: file.mediaType,
      size: file.size,
      purpose: 'message',
      onProgress: opts.onProgress,
    });
    const message = await this.messages.send(channelId, fileContent(ref, opts.caption), {
      clientMessageId: opts.clientMessageId,
    });
    return { message, file: ref };
  }

  // ── replies, mentions and edits ─────────────────────────────────────────────────────────────────

  /**
   * Sends a text message (as `send` does: same retries, same `clientMessageId` rule), perhaps replying to
   * a message (`opts.replyTo`: a `MessageView` or `DecryptedMessage` of this channel that this device
   * can read) and mentioning people (`opts.mentions`: user ids, who are then told `mentionsMe`). All of
   * it is inside the encrypted content: the server learns nothing new. Throws `MessageContentError`,
   * before sending, for empty text, a bad user id, or a reply to a message that cannot be read.
   */
  sendText(channelId: string, text: string, opts: SendTextOptions = {}): Promise<StoredMessageView> {
    return this.conversations.sendText(channelId, text, opts);
  }

  /**
   * Changes the text (and mentions: kept as they are unless `opts.mentions` is given) of one of this
   * user's own messages, by sending an edit that every reader folds into it. Only the message's sender
   * can: readers ignore, and flag, an edit by anyone else, and this refuses to send one
   * (`MessageContentError`), or one of a deleted or unreadable message. Resolves with the stored edit.
   */
  editMessage(
    channelId: string,
    original: MessageView,
    text: string,
    opts: EditOptions = {},
  ): Promise<StoredMessageView> {
    return this.conversations.editMessage(channelId, original, text, opts);
  }

  /**
   * Every message of the channel this user may read, as a person should be shown them (`MessageView`):
   * edits folded into their originals (`edited`, `editedAt`, the current `text`), replies resolved to a
   * preview of the replied message and its sender (or `{ visible: false }`, "a message you cannot
   * see"), `mentionsMe` marked, edits by anyone but a message's sender ignored and listed in
   * `rejectedEdits`. Also `lastSeq`, where a `subscribe` that keeps it current starts.
   */
  readConversation(channelId: string): Promise<ChannelConversation> {
    return this.conversations.readConversation(channelId);
  }

  /**
   * The same view over what this device holds now (what it read, and what subscriptions delivered
   * since), without asking the server: call it again as each message arrives, or is deleted or expires.
   */
  conversation(channelId: string): ConversationView {
    return this.conversations.conversation(channelId);
  }

  // ── local cache and retention ───────────────────────────────────────────────────────────────────

  /** What this device holds of a channel, never including a message past its expiry by this device's clock. */
  cached(channelId: string): DecryptedMessage[] {
    return this.cache.cached(channelId);
  }

  /**
   * The key periods (epochs) of a channel whose key this device holds now. A key is dropped and wiped when
   * the server reports it spent (`keys.spent`: everything under it expired, no record needs it), unless this
   * device still holds an unexpired message under it or sends on it.
   */
  keysHeld(channelId: string): number[] {
    return this.keys.heldEpochs(channelId);
  }

  /** Drops expired messages from the local cache (also done on every `message.expired` event); returns how many. */
  purgeExpired(): number {
    return this.cache.purgeExpired();
  }

  // ── real time ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Opens the socket (or returns the open one; a new sign-in replaces it); sends then go over it,
   * acknowledged with the stored sequence number. Its events keep the cache and the send epoch current.
   */
  connect(): Promise<RealtimeConnection> {
    return this.messages.connect();
  }

  /**
   * Delivers a channel's messages in order, live, each once. Real time is the fast path; a gap in
   * sequence numbers, a reconnect or a missed packet triggers catch-up over HTTP from the last delivered
   * number, so nothing is ever skipped. While the network or the server fails (a key or the catch-up
   * cannot be fetched), it tries again with back-off for as long as the subscription lasts and delivers
   * each message once it can be decrypted: never as unreadable for want of a network. A refusal it
   * cannot get past goes to `opts.onError`. Returns a function that stops the subscription.
   */
  subscribe(
    channelId: string,
    onMessage: (m: DecryptedMessage) => void,
    opts: SubscribeOptions = {},
  ): Promise<() => void> {
    return this.messages.subscribe(channelId, onMessage, opts);
  }

  /**
   * Calls `handler` with each message this session sends, once acknowledged: the server does not send a
   * message back to the socket it came over (its acknowledgement carries it), so a screen that follows
   * channels' `message.new` events listens here too for its own. Returns a function that stops it.
   */
  onOwnSend(handler: (p: { channelId: string; message: RealtimeMessage }) => void): () => void {
    return this.messages.onOwnSend(handler);
  }

  /**
   * Closes the socket, if one is open, and ends the subscriptions that listened on it (they stop trying
   * to catch up); sends go over HTTP until the next `connect`.
   */
  close(): void {
    this.messages.close();
  }
}
