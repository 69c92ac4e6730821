/**
 * Crypto protocol v2 for channels (DESIGN.md §3, docs/protocol.md): epoch keys committed to in the
 * opener's signed announcement and sent in envelopes bound to both devices, and (header v2)
 * messages as XChaCha20-Poly1305-IETF with the header as additional data and an
 * Ed25519 signature over header, nonce and ciphertext. Every body sealed under an epoch key (message,
 * title, sealed field) is padded to a few fixed sizes first. Pure functions on bytes: no I/O here.
 *
 * Every byte layout below is mirrored by the server's checks (src/channels/channel-proofs.ts) and by the
 * independent Python implementation in test/vectors/, so a change here must change all three.
 */
import { canonicalize } from './audit-chain.js';
import { fromB64, sodium, toB64 } from './sodium.js';

export const PROTOCOL_VERSION = 2;
const ENVELOPE_VERSION = 2;
/** Plaintext bodies (messages, titles, sealed fields): 0x01 unpadded (older data, still read), 0x02 padded. */
const BODY_UNPADDED = 1;
const BODY_PADDED = 2;
export const EPOCH_KEY_BYTES = 32;

const utf8 = (s: string) => new TextEncoder().encode(s);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function u32be(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, false);
  return b;
}

function uuidBytes(id: string): Uint8Array {
  const hex = id.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a UUID: ${id}`);
  return Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

/**
 * The size a padded body is brought to: the smallest of 64, 128, 256, 512 and 1024 bytes that holds
 * `length`, above that the next multiple of 1024. So a name, a title or a short message shows at most
 * which of a few sizes it falls in, not its length (docs/protocol.md, "Padding").
 */
export function paddedSize(length: number): number {
  for (const bucket of [64, 128, 256, 512, 1024]) if (length <= bucket) return bucket;
  return Math.ceil(length / 1024) * 1024;
}

/**
 * Body version 2: 0x02 ‖ content ‖ 0x80 ‖ 0x00… up to `paddedSize` (ISO/IEC 7816-4 padding: the 0x80
 * marker is always there, so the content's end is found from the last non-zero byte).
 */
export function padBody(content: Uint8Array): Uint8Array {
  const out = new Uint8Array(paddedSize(content.length + 2));
  out[0] = BODY_PADDED;
  out.set(content, 1);
  out[content.length + 1] = 0x80;
  return out;
}

/**
 * The content of a decrypted body: after its version byte, for version 1; for version 2 without the
 * padding, which must be one 0x80 then only zeros. Anything else is refused (null).
 */
export function unpadBody(body: Uint8Array): Uint8Array | null {
  if (body[0] === BODY_UNPADDED) return body.slice(1);
  if (body[0] !== BODY_PADDED) return null;
  let end = body.length - 1;
  while (end > 0 && body[end] === 0) end--;
  return end > 0 && body[end] === 0x80 ? body.slice(1, end) : null;
}

/** A fresh 32-byte epoch key. */
export async function newEpochKey(): Promise<Uint8Array> {
  const s = await sodium();
  return s.crypto_aead_xchacha20poly1305_ietf_keygen();
}

/** One end of an envelope: a device and its X25519 key (public for the far end, private for this one). */
export interface EnvelopeEnd {
  deviceId: string;
  x25519PublicKey: string;
}

function envelopePrefix(channelId: string, epoch: number, recipientDeviceId: string, senderDeviceId: string) {
  return concat(
    new Uint8Array([ENVELOPE_VERSION]),
    uuidBytes(channelId),
    u32be(epoch),
    uuidBytes(recipientDeviceId),
    uuidBytes(senderDeviceId),
  );
}

/**
 * Sends an epoch key to one device in an envelope bound to both ends: an authenticated `crypto_box` from
 * the sender's X25519 key to the recipient's, over
 * version(1) ‖ channel(16) ‖ epoch u32 BE(4) ‖ recipient device(16) ‖ sender device(16) ‖ key(32).
 * Layout: nonce(24) ‖ box. Nobody without the sender's private key can make one that opens.
 */
export async function sealEpochKey(
  key: Uint8Array,
  channelId: string,
  epoch: number,
  recipient: EnvelopeEnd,
  sender: { deviceId: string; x25519PrivateKey: string },
  /** Known-answer tests only: a nonce must never be chosen, always random. */
  fixedNonce?: Uint8Array,
): Promise<string> {
  const s = await sodium();
  const plaintext = concat(envelopePrefix(channelId, epoch, recipient.deviceId, sender.deviceId), key);
  const nonce = fixedNonce ?? s.randombytes_buf(s.crypto_box_NONCEBYTES);
  const box = s.crypto_box_easy(
    plaintext,
    nonce,
    fromB64(s, recipient.x25519PublicKey),
    fromB64(s, sender.x25519PrivateKey),
  );
  return toB64(s, concat(nonce, box));
}

export class EnvelopeError extends Error {}

/**
 * Opens an envelope sent to this device by `sender` and checks it carries the key of this channel and
 * epoch, for this device, from that sender.
 */
export async function openEpochKey(
  sealed: string,
  channelId: string,
  epoch: number,
  me: { deviceId: string; x25519PrivateKey: string },
  sender: EnvelopeEnd,
): Promise<Uint8Array> {
  const s = await sodium();
  let plaintext: Uint8Array;
  try {
    const bytes = fromB64(s, sealed);
    const n = s.crypto_box_NONCEBYTES;
    plaintext = s.crypto_box_open_easy(
      bytes.slice(n),
      bytes.slice(0, n),
      fromB64(s, sender.x25519PublicKey),
      fromB64(s, me.x25519PrivateKey),
    );
  } catch {
    throw new EnvelopeError('The key for this device was not sent by the device that claims it, or was altered.');
  }
  const expected = envelopePrefix(channelId, epoch, me.deviceId, sender.deviceId);
  if (plaintext.length !== expected.length + EPOCH_KEY_BYTES || expected.some((b, i) => plaintext[i] !== b)) {
    throw new EnvelopeError('The key sent to this device is for another channel, time period or device.');
  }
  return plaintext.slice(expected.length);
}

/**
 * The opener's commitment to an epoch key: BLAKE2b-256 keyed with the key over
 * "strongroom-epoch-commitment:v2\n" ‖ channel(16) ‖ epoch u32 BE. Signed in the announcement, so a key
 * that someone else sealed to the members does not match it.
 */
export async function epochCommitment(key: Uint8Array, channelId: string, epoch: number): Promise<string> {
  const s = await sodium();
  const message = concat(utf8('strongroom-epoch-commitment:v2\n'), uuidBytes(channelId), u32be(epoch));
  return toB64(s, s.crypto_generichash(32, message, key));
}

/** What an epoch's opener signs. */
export interface EpochAnnouncement {
  channelId: string;
  epoch: number;
  openerDeviceId: string;
  recipientDeviceIds: readonly string[];
  /** Member devices the opener's client refused (identity changed, not approved): they get no key. */
  withheldDeviceIds: readonly string[];
  commitment: string;
}

/** What the opener of an epoch signs: the channel, the epoch, exactly who gets the key, and the key's commitment. */
export function epochAnnouncementBytes(a: EpochAnnouncement): Uint8Array {
  const body = canonicalize({
    v: PROTOCOL_VERSION,
    type: 'epoch',
    channelId: a.channelId,
    epoch: a.epoch,
    openerDeviceId: a.openerDeviceId,
    recipients: [...a.recipientDeviceIds].sort(),
    withheld: [...a.withheldDeviceIds].sort(),
    commitment: a.commitment,
  });
  return utf8(`strongroom-epoch:v2\n${body}`);
}

export async function signDetached(message: Uint8Array, ed25519PrivateKey: string): Promise<string> {
  const s = await sodium();
  return toB64(s, s.crypto_sign_detached(message, fromB64(s, ed25519PrivateKey)));
}

export async function verifyDetached(
  message: Uint8Array,
  signature: string,
  ed25519PublicKey: string,
): Promise<boolean> {
  const s = await sodium();
  try {
    return s.crypto_sign_verify_detached(fromB64(s, signature), message, fromB64(s, ed25519PublicKey));
  } catch {
    return false;
  }
}

/** A message from another device, named by its sequence number in the channel and its chain link. */
export interface MessageSeen {
  seq: number;
  link: string;
}

/**
 * The message header (v2); its canonical JSON is the AEAD additional data, and it is signed. `n` is this
 * device's counter in the channel (1, 2, …), `prev` the chain link of the same device's previous message
 * in the channel (null for n = 1), `sentAt` the sender's own clock and `seen` the latest message from
 * another device the sender had seen (left out when none), so a reader can tell a message that was moved,
 * removed or re-dated in the server's database (docs/protocol.md, "Messages").
 */
export interface MessageHeader {
  v: 2;
  channelId: string;
  epoch: number;
  senderDeviceId: string;
  clientMessageId: string;
  n: number;
  prev: string | null;
  /** ISO 8601 with milliseconds and `Z`, exactly as `Date.prototype.toISOString` writes it. */
  sentAt: string;
  /** Absent or null: the bytes leave the member out, as headers written before it had none. */
  seen?: MessageSeen | null;
}

export const headerBytes = (h: MessageHeader): Uint8Array =>
  utf8(
    canonicalize({
      v: h.v,
      channelId: h.channelId,
      epoch: h.epoch,
      senderDeviceId: h.senderDeviceId,
      clientMessageId: h.clientMessageId,
      n: h.n,
      prev: h.prev,
      sentAt: h.sentAt,
      ...(h.seen ? { seen: { seq: h.seen.seq, link: h.seen.link } } : {}),
    }),
  );

/** Signed bytes: a domain tag, then the header (length-prefixed), the nonce and the ciphertext. */
export function messageSigningBytes(header: MessageHeader, nonce: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const h = headerBytes(header);
  return concat(utf8('strongroom-msg:v2\n'), u32be(h.length), h, nonce, ciphertext);
}

/**
 * A message's chain link, which the same device's next message in the channel carries as `prev`:
 * base64url BLAKE2b-256 of "strongroom-msg-chain:v2\n" ‖ header bytes. The header (not the signature)
 * is hashed so that a deleted message, which keeps its header fields and loses its signature, still
 * links its neighbours; the header names the one signed message through its clientMessageId.
 */
export async function messageChainLink(header: MessageHeader): Promise<string> {
  const s = await sodium();
  return toB64(s, s.crypto_generichash(32, concat(utf8('strongroom-msg-chain:v2\n'), headerBytes(header)), null));
}

/** A message as it travels: base64url binary, the header fields beside it in clear. */
export interface SealedMessage {
  header: MessageHeader;
  nonce: string;
  ciphertext: string;
  signature: string;
}

/** The plaintext inside a message body (after its version byte). */
export interface MessageContent {
  type: string;
  [field: string]: unknown;
}

export async function encryptMessage(
  header: MessageHeader,
  content: MessageContent,
  epochKey: Uint8Array,
  ed25519PrivateKey: string,
  /** Known-answer tests only: a nonce must never be chosen, always random. */
  fixedNonce?: Uint8Array,
): Promise<SealedMessage> {
  const s = await sodium();
  const nonce = fixedNonce ?? s.randombytes_buf(s.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const plaintext = padBody(utf8(JSON.stringify(content)));
  const ciphertext = s.crypto_aead_xchacha20poly1305_ietf_encrypt(
    plaintext,
    headerBytes(header),
    null,
    nonce,
    epochKey,
  );
  const signature = s.crypto_sign_detached(
    messageSigningBytes(header, nonce, ciphertext),
    fromB64(s, ed25519PrivateKey),
  );
  return { header, nonce: toB64(s, nonce), ciphertext: toB64(s, ciphertext), signature: toB64(s, signature) };
}

export class DecryptError extends Error {}

/** Whether the sender device's key signed this message (header, nonce and ciphertext): no key needed. */
export async function messageSignatureValid(m: SealedMessage, senderEd25519PublicKey: string): Promise<boolean> {
  const s = await sodium();
  const signed = messageSigningBytes(m.header, fromB64(s, m.nonce), fromB64(s, m.ciphertext));
  return verifyDetached(signed, m.signature, senderEd25519PublicKey);
}

/** Checks the sender's signature, then decrypts; either failing throws DecryptError. */
export async function decryptMessage(
  m: SealedMessage,
  epochKey: Uint8Array,
  senderEd25519PublicKey: string,
): Promise<MessageContent> {
  const ok = await messageSignatureValid(m, senderEd25519PublicKey);
  if (!ok) throw new DecryptError('The sender signature does not verify.');
  return openMessage(m, epochKey);
}

/**
 * Decrypts a message whose sender's signature the caller has just checked (`messageSignatureValid`), so
 * that it is not checked twice; anything else must use `decryptMessage`. Throws DecryptError.
 */
export async function openMessage(m: SealedMessage, epochKey: Uint8Array): Promise<MessageContent> {
  const s = await sodium();
  const nonce = fromB64(s, m.nonce);
  const ciphertext = fromB64(s, m.ciphertext);
  let plaintext: Uint8Array;
  try {
    plaintext = s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, headerBytes(m.header), nonce, epochKey);
  } catch {
    throw new DecryptError('The message does not decrypt with the conversation’s key.');
  }
  const content = unpadBody(plaintext);
  if (!content) throw new DecryptError('The message is not in a form this app can read.');
  return JSON.parse(new TextDecoder().decode(content)) as MessageContent;
}

const titleAd = (channelId: string, epoch: number) => utf8(`strongroom-title:v1\n${channelId}\n${epoch}`);

/**
 * nonce ‖ XChaCha20-Poly1305(padded body) under an epoch key, bound to `ad`: titles and sealed fields.
 * Exported for the known-answer tests, which give the additional data as bytes.
 */
export async function sealUnder(
  body: Uint8Array,
  ad: Uint8Array,
  epochKey: Uint8Array,
  /** Known-answer tests only: a nonce must never be chosen, always random. */
  fixedNonce?: Uint8Array,
): Promise<string> {
  const s = await sodium();
  const nonce = fixedNonce ?? s.randombytes_buf(s.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const ct = s.crypto_aead_xchacha20poly1305_ietf_encrypt(padBody(body), ad, null, nonce, epochKey);
  return toB64(s, concat(nonce, ct));
}

/** Opens what `sealUnder` made (or an older unpadded body); `what` names it in the error. */
export async function openUnder(sealed: string, ad: Uint8Array, epochKey: Uint8Array, what: string): Promise<string> {
  const s = await sodium();
  const bytes = fromB64(s, sealed);
  const n = s.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  let plaintext: Uint8Array;
  try {
    plaintext = s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, bytes.slice(n), ad, bytes.slice(0, n), epochKey);
  } catch {
    throw new DecryptError(`The ${what} does not decrypt with the conversation’s key.`);
  }
  const content = unpadBody(plaintext);
  if (!content) throw new DecryptError(`The ${what} is not in a form this app can read.`);
  return new TextDecoder().decode(content);
}

/** A channel title under an epoch key: nonce ‖ XChaCha20-Poly1305 ciphertext, bound to channel and epoch. */
export function encryptTitle(title: string, channelId: string, epoch: number, epochKey: Uint8Array): Promise<string> {
  return sealUnder(utf8(title), titleAd(channelId, epoch), epochKey);
}

export function decryptTitle(sealed: string, channelId: string, epoch: number, epochKey: Uint8Array): Promise<string> {
  return openUnder(sealed, titleAd(channelId, epoch), epochKey, 'channel title');
}

/** Which record a sealed field belongs to: its id, and its version for records kept in versions. */
export interface FieldBinding {
  recordId: string;
  /** The minutes version, amendment number or plan version; 1 for a record written once. */
  version?: number;
}

/**
 * Protocol v2: the additional data names the purpose (the kind of record and field), the channel, the
 * epoch, the record's id and its version, so a field moved to another record, kind or version does not
 * open.
 */
export const fieldAd = (purpose: string, channelId: string, epoch: number, at: FieldBinding) =>
  utf8(`strongroom-field:v2\n${purpose}\n${channelId}\n${epoch}\n${at.recordId}\n${at.version ?? 1}`);

/**
 * A field of a record (a family member's details, a competence rationale, a lawful-basis
 * justification, minutes) under a channel's epoch key: nonce ‖ XChaCha20-Poly1305 ciphertext of a
 * version byte and JSON, bound to its purpose, channel, epoch, record and version so it cannot be moved
 * elsewhere.
 */
export function encryptField(
  value: unknown,
  purpose: string,
  channelId: string,
  epoch: number,
  epochKey: Uint8Array,
  at: FieldBinding,
): Promise<string> {
  return sealUnder(utf8(JSON.stringify(value)), fieldAd(purpose, channelId, epoch, at), epochKey);
}

export async function decryptField<T = unknown>(
  sealed: string,
  purpose: string,
  channelId: string,
  epoch: number,
  epochKey: Uint8Array,
  at: FieldBinding,
): Promise<T> {
  return JSON.parse(await openUnder(sealed, fieldAd(purpose, channelId, epoch, at), epochKey, purpose)) as T;
}
