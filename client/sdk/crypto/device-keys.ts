import { fromB64, sodium, toB64 } from './sodium.js';

/** A device's key pairs (DESIGN.md §3). Private halves never leave the client. */
export interface DeviceKeys {
  /** Format version of this record. */
  v: 1;
  x25519: { publicKey: string; privateKey: string };
  ed25519: { publicKey: string; privateKey: string };
}

/** Makes a fresh X25519 (`crypto_box`) and Ed25519 (`crypto_sign`) key pair. base64url throughout. */
export async function generateDeviceKeys(): Promise<DeviceKeys> {
  const s = await sodium();
  const box = s.crypto_box_keypair();
  const sign = s.crypto_sign_keypair();
  return {
    v: 1,
    x25519: { publicKey: toB64(s, box.publicKey), privateKey: toB64(s, box.privateKey) },
    ed25519: { publicKey: toB64(s, sign.publicKey), privateKey: toB64(s, sign.privateKey) },
  };
}

/** Must match the server's `deviceProofMessage` byte for byte. */
export function deviceProofMessage(userId: string, x25519PublicKey: string, ed25519PublicKey: string): Uint8Array {
  return new TextEncoder().encode(`strongroom-device-proof:v1\n${userId}\n${x25519PublicKey}\n${ed25519PublicKey}`);
}

/** Signs the proof-of-possession message that registers this device for `userId`. */
export async function signDeviceProof(userId: string, keys: DeviceKeys): Promise<string> {
  const s = await sodium();
  const msg = deviceProofMessage(userId, keys.x25519.publicKey, keys.ed25519.publicKey);
  return toB64(s, s.crypto_sign_detached(msg, fromB64(s, keys.ed25519.privateKey)));
}

/**
 * The safety number for a user: BLAKE2b-256 over their devices' Ed25519 public keys (sorted, so the
 * order the server lists them in does not matter), shown as 12 groups of 5 digits to compare out of band.
 */
export async function fingerprint(ed25519PublicKeys: string[]): Promise<string> {
  const s = await sodium();
  const sorted = [...ed25519PublicKeys].sort();
  const input = new Uint8Array(sorted.reduce((n, k) => n + fromB64(s, k).length + 1, 0));
  let offset = 0;
  for (const key of sorted) {
    const bytes = fromB64(s, key);
    input.set([1], offset); // version byte per key
    input.set(bytes, offset + 1);
    offset += bytes.length + 1;
  }
  const digest = s.crypto_generichash(32, input, null);
  const groups: string[] = [];
  for (let i = 0; i < 30; i += 5) {
    // 5 bytes -> 40 bits -> 2 groups of 5 decimal digits (each group from 20 bits, mod 100000)
    const n = digest.slice(i, i + 5).reduce((acc, b) => acc * 256 + b, 0);
    groups.push(
      String(Math.floor(n / 2 ** 20) % 100000).padStart(5, '0'),
      String((n % 2 ** 20) % 100000).padStart(5, '0'),
    );
  }
  return groups.join(' ');
}
