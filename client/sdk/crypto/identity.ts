/**
 * Protocol v2 identity keys (docs/protocol.md, "Identity keys and cross-signing"): one Ed25519 key per
 * person, made from a 32-byte seed, that signs each of that person's devices; the recovery key that
 * carries the seed; the per-person safety number; and the short code a new device shows for approval.
 * Pure functions on bytes: no I/O here. Mirrored by src/identity/device-proof.ts and by the PyNaCl
 * vectors in test/vectors/.
 */
import { canonicalize } from './audit-chain.js';
import { fromB64, sodium, toB64 } from './sodium.js';

const IDENTITY_VERSION = 2;
const SEED_BYTES = 32;
const utf8 = (s: string) => new TextEncoder().encode(s);

/** An identity key pair, base64url. The private half is libsodium's 64-byte secret key (seed ‖ public). */
export interface IdentityKeys {
  v: 2;
  publicKey: string;
  privateKey: string;
}

/** A fresh identity seed (32 random bytes): the recovery key carries exactly this. */
export async function newIdentitySeed(): Promise<Uint8Array> {
  const s = await sodium();
  return s.randombytes_buf(SEED_BYTES);
}

export async function identityFromSeed(seed: Uint8Array): Promise<IdentityKeys> {
  const s = await sodium();
  if (seed.length !== SEED_BYTES) throw new Error('An identity seed is 32 bytes.');
  const pair = s.crypto_sign_seed_keypair(seed);
  return { v: 2, publicKey: toB64(s, pair.publicKey), privateKey: toB64(s, pair.privateKey) };
}

/** The seed inside an identity secret key (its first 32 bytes). */
export async function identitySeed(identity: IdentityKeys): Promise<Uint8Array> {
  const s = await sodium();
  return fromB64(s, identity.privateKey).slice(0, SEED_BYTES);
}

/** What a device's owner signs with their identity key to approve it. */
export interface DeviceToSign {
  userId: string;
  deviceId: string;
  x25519PublicKey: string;
  ed25519PublicKey: string;
}

/** Must match the server's `deviceSignatureBytes` and the vectors byte for byte. */
export function deviceSignatureBytes(d: DeviceToSign): Uint8Array {
  const body = canonicalize({
    v: IDENTITY_VERSION,
    type: 'device',
    userId: d.userId,
    deviceId: d.deviceId,
    x25519: d.x25519PublicKey,
    ed25519: d.ed25519PublicKey,
  });
  return utf8(`strongroom-device:v2\n${body}`);
}

export async function signDevice(identity: IdentityKeys, d: DeviceToSign): Promise<string> {
  const s = await sodium();
  return toB64(s, s.crypto_sign_detached(deviceSignatureBytes(d), fromB64(s, identity.privateKey)));
}

export async function deviceSignatureValid(
  identityPublicKey: string,
  d: DeviceToSign,
  signature: string | null | undefined,
): Promise<boolean> {
  if (!signature) return false;
  const s = await sodium();
  try {
    return s.crypto_sign_verify_detached(fromB64(s, signature), deviceSignatureBytes(d), fromB64(s, identityPublicKey));
  } catch {
    return false;
  }
}

/** Each 5-byte slice as two 5-digit groups: floor(n / 2^20) mod 1e5 and (n mod 2^20) mod 1e5. */
function digitGroups(digest: Uint8Array, bytes: number): string[] {
  const groups: string[] = [];
  for (let i = 0; i < bytes; i += 5) {
    const n = digest.slice(i, i + 5).reduce((acc, b) => acc * 256 + b, 0);
    groups.push(
      String(Math.floor(n / 2 ** 20) % 100000).padStart(5, '0'),
      String((n % 2 ** 20) % 100000).padStart(5, '0'),
    );
  }
  return groups;
}

/** The safety number of a person: their identity key's fingerprint, 12 groups of 5 digits. */
export async function safetyNumber(identityPublicKey: string): Promise<string> {
  const s = await sodium();
  const digest = s.crypto_generichash(32, new Uint8Array([IDENTITY_VERSION, ...fromB64(s, identityPublicKey)]), null);
  return digitGroups(digest, 30).join(' ');
}

/**
 * The code a new device shows so its owner can approve it on another device: three groups of five
 * digits from BLAKE2b-256(0x02 ‖ ed25519 ‖ x25519), each from 5 bytes taken as an integer modulo 100000.
 */
export async function deviceCode(x25519PublicKey: string, ed25519PublicKey: string): Promise<string> {
  const s = await sodium();
  const digest = s.crypto_generichash(
    32,
    new Uint8Array([IDENTITY_VERSION, ...fromB64(s, ed25519PublicKey), ...fromB64(s, x25519PublicKey)]),
    null,
  );
  const groups: string[] = [];
  for (let i = 0; i < 15; i += 5) {
    const n = digest.slice(i, i + 5).reduce((acc, b) => acc * 256 + b, 0);
    groups.push(String(n % 100000).padStart(5, '0'));
  }
  return groups.join('-');
}

/** The same code however it was typed: digits only. */
export const normaliseDeviceCode = (typed: string): string => typed.replace(/\D/g, '');

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export class RecoveryKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecoveryKeyError';
  }
}

async function recoveryCheck(seed: Uint8Array): Promise<Uint8Array> {
  const s = await sodium();
  return s.crypto_generichash(32, new Uint8Array([IDENTITY_VERSION, ...seed]), null).slice(0, 2);
}

/** The recovery key for a seed: base32 of 0x02 ‖ seed ‖ check(2), 56 characters in 14 groups of four. */
export async function encodeRecoveryKey(seed: Uint8Array): Promise<string> {
  const bytes = new Uint8Array([IDENTITY_VERSION, ...seed, ...(await recoveryCheck(seed))]);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out.match(/.{4}/g)!.join(' ');
}

/** The seed inside a typed recovery key; refuses a mistyped one in plain words. */
export async function decodeRecoveryKey(typed: string): Promise<Uint8Array> {
  const text = typed.toUpperCase().replace(/[\s-]/g, '');
  if (text.length !== 56) {
    throw new RecoveryKeyError(`A recovery key has 56 letters and digits; this has ${text.length}.`);
  }
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of text) {
    const v = BASE32.indexOf(c);
    if (v < 0) throw new RecoveryKeyError(`A recovery key has only the letters A–Z and digits 2–7; “${c}” is not one.`);
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  const raw = Uint8Array.from(bytes);
  const seed = raw.slice(1, 1 + SEED_BYTES);
  const check = await recoveryCheck(seed);
  if (raw[0] !== IDENTITY_VERSION || raw[33] !== check[0] || raw[34] !== check[1]) {
    throw new RecoveryKeyError('That recovery key is mistyped: check each group of four and try again.');
  }
  return seed;
}

const SEALED_SEED_BYTES = 1 + 16 + SEED_BYTES;

function uuidBytes(id: string): Uint8Array {
  const hex = id.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a UUID: ${id}`);
  return Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
}

/** The identity seed sent to a newly approved device: crypto_box_seal(0x02 ‖ device id ‖ seed). */
export async function sealSeedForDevice(seed: Uint8Array, deviceId: string, x25519PublicKey: string): Promise<string> {
  const s = await sodium();
  const plaintext = new Uint8Array([IDENTITY_VERSION, ...uuidBytes(deviceId), ...seed]);
  return toB64(s, s.crypto_box_seal(plaintext, fromB64(s, x25519PublicKey)));
}

/** Opens the seed sent to this device, checking it was meant for this device. */
export async function openSeedForDevice(
  sealed: string,
  deviceId: string,
  x25519: { publicKey: string; privateKey: string },
): Promise<Uint8Array> {
  const s = await sodium();
  let plaintext: Uint8Array;
  try {
    plaintext = s.crypto_box_seal_open(fromB64(s, sealed), fromB64(s, x25519.publicKey), fromB64(s, x25519.privateKey));
  } catch {
    throw new RecoveryKeyError('The identity key sent to this device does not open here.');
  }
  const expected = [IDENTITY_VERSION, ...uuidBytes(deviceId)];
  if (plaintext.length !== SEALED_SEED_BYTES || expected.some((b, i) => plaintext[i] !== b)) {
    throw new RecoveryKeyError('The identity key sent to this device was meant for another device.');
  }
  return plaintext.slice(1 + 16);
}
