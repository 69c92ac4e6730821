import type { PinnedDevice, PinnedIdentity } from '../store/trust-store.js';
import type { TrustAnchors } from './record-export.js';

/**
 * Anchors for `verifyExport`: keys a verifier holds from outside the export. Pure functions, no I/O: the
 * caller reads the files (the CLI reads the signed-in person's trust store, `--key` and `--trust`).
 */

/** An Ed25519 public key (a device's or a person's identity key) as base64url: 43 characters. */
const PUBLIC_KEY = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

/** Whether a text is an Ed25519 public key (a device's or a person's identity key) as base64url: 43 characters. */
export const isPublicKeyText = (text: string): boolean => PUBLIC_KEY.test(text);
const isKey = (v: unknown): v is string => typeof v === 'string' && PUBLIC_KEY.test(v);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const dateOf = (iso: string) => iso.slice(0, 10);

/** How a pinned identity vouches, in words: compared by safety number, or only seen. */
function identityHow(pin: PinnedIdentity, where: string): string {
  return pin.verifiedAt
    ? `identity pinned ${where}, safety number compared on ${dateOf(pin.verifiedAt)}`
    : `identity pinned ${where} when first met (safety number not compared yet)`;
}

/** The pins of a trust store file (`{"v":2,"identities":[…],"devices":[…]}`) as anchors. */
export function anchorsFromTrustStore(
  store: { identities: PinnedIdentity[]; devices: PinnedDevice[] },
  where: string,
): TrustAnchors {
  return {
    identities: store.identities.map((pin) => ({
      userId: pin.userId,
      identityPublicKey: pin.identityPublicKey,
      how: identityHow(pin, where),
    })),
    devices: store.devices.map((d) => ({
      deviceId: d.deviceId,
      userId: d.userId,
      ed25519PublicKey: d.ed25519PublicKey,
      how: `device pinned ${where} when first met`,
    })),
  };
}

/**
 * A trust file's content as anchors: a JSON list of public keys (device or identity keys), or a trust
 * store file. `where` says where they come from in the report ("on this computer", "in keys.json").
 * Null when it is neither, so the caller can say so in plain words.
 */
export function anchorsFromJson(value: unknown, where: string): TrustAnchors | null {
  if (Array.isArray(value)) {
    if (!value.every(isKey)) return null;
    return { keys: value.map((key) => ({ key, how: `listed ${where}` })) };
  }
  if (isObject(value) && value.v === 2 && Array.isArray(value.identities) && Array.isArray(value.devices)) {
    const identities = value.identities.filter(
      (i): i is PinnedIdentity => isObject(i) && typeof i.userId === 'string' && isKey(i.identityPublicKey),
    );
    const devices = value.devices.filter(
      (d): d is PinnedDevice =>
        isObject(d) && typeof d.deviceId === 'string' && typeof d.userId === 'string' && isKey(d.ed25519PublicKey),
    );
    if (identities.length !== value.identities.length || devices.length !== value.devices.length) return null;
    return anchorsFromTrustStore({ identities, devices }, where);
  }
  return null;
}

/** Several sources of anchors as one. */
export function mergeAnchors(...all: TrustAnchors[]): TrustAnchors {
  return {
    identities: all.flatMap((a) => a.identities ?? []),
    devices: all.flatMap((a) => a.devices ?? []),
    keys: all.flatMap((a) => a.keys ?? []),
  };
}
