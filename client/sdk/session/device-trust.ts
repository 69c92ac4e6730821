import type { StrongroomClient } from '../client.js';
import { deviceSignatureValid } from '../crypto/identity.js';
import { devicePublicKeysProblem, identityKeyProblem } from '../crypto/public-keys.js';
import {
  IdentityChangedError,
  KeyChangedError,
  UnapprovedDeviceError,
  UnusableDeviceError,
  type PinnedDevice,
  type PinnedIdentity,
  type TrustStore,
} from '../store/trust-store.js';
import type { DeviceView, MemberDeviceView } from '../types.js';

/** A device as the server shows it, with what is needed to judge it (its owner's identity and signature). */
export interface DeviceClaim {
  deviceId: string;
  userId: string;
  x25519PublicKey: string;
  ed25519PublicKey: string;
  identityPublicKey: string | null;
  identitySignature: string | null;
}

/** A device this client trusts: its public keys, checked. */
export type TrustedDevice = Pick<PinnedDevice, 'deviceId' | 'userId' | 'x25519PublicKey' | 'ed25519PublicKey'>;

/** A person as `verify` leaves them: their identity key pinned as verified, and which devices were accepted. */
export interface VerifiedPerson {
  identity: PinnedIdentity;
  accepted: string[];
  refused: { deviceId: string; reason: string }[];
}

/** Why this client will not trust a device: each names the person and device in plain words. */
export type TrustRefusal = UnusableDeviceError | IdentityChangedError | UnapprovedDeviceError | KeyChangedError;

export const isTrustRefusal = (err: unknown): err is TrustRefusal =>
  err instanceof UnusableDeviceError ||
  err instanceof IdentityChangedError ||
  err instanceof UnapprovedDeviceError ||
  err instanceof KeyChangedError;

export const claimOf = (d: DeviceView): DeviceClaim => ({
  deviceId: d.id,
  userId: d.userId,
  x25519PublicKey: d.x25519PublicKey,
  ed25519PublicKey: d.ed25519PublicKey,
  identityPublicKey: d.identityPublicKey,
  identitySignature: d.identitySignature,
});

/**
 * Which devices this client trusts (protocol v2, docs/protocol.md): people, not device lists. Each
 * person's identity key is pinned at first sight (and this user's own comes from the key store); a device
 * is trusted only if its keys are usable and it carries a valid signature by its owner's pinned identity
 * key. Every key this session seals to or checks a signature with passes through here.
 */
export class DeviceTrust {
  /** Device claims accepted by this session, so each is checked once. */
  private readonly accepted = new Map<string, string>();

  constructor(
    private readonly client: StrongroomClient,
    private readonly store: TrustStore,
    private readonly now: () => Date,
    /** This user and their identity key from the key store: never taken from the server. */
    private readonly own?: { userId: string; identityPublicKey: string },
  ) {}

  /** The person's identity key as this client trusts it: pinned at first sight; a different one is refused. */
  private async checkIdentity(userId: string, claimed: string): Promise<void> {
    if (this.own && userId === this.own.userId) {
      if (claimed !== this.own.identityPublicKey) throw new IdentityChangedError(userId);
      return;
    }
    const pinned = await this.store.getIdentity(userId);
    if (!pinned) {
      await this.store.pinIdentity({
        userId,
        identityPublicKey: claimed,
        firstSeenAt: this.now().toISOString(),
        verifiedAt: null,
      });
    } else if (pinned.identityPublicKey !== claimed) {
      throw new IdentityChangedError(userId);
    }
  }

  /**
   * Accepts a device, or refuses it with a `TrustRefusal`: unusable keys, an owner whose identity
   * changed, no valid identity signature (never approved), or keys that changed since it was first seen.
   */
  async check(d: DeviceClaim | MemberDeviceView): Promise<void> {
    const claim = [d.userId, d.x25519PublicKey, d.ed25519PublicKey, d.identityPublicKey, d.identitySignature].join('.');
    if (this.accepted.get(d.deviceId) === claim) return;
    const problem = await devicePublicKeysProblem(d.x25519PublicKey, d.ed25519PublicKey);
    if (problem) throw new UnusableDeviceError(d.userId, d.deviceId, problem);
    if (!d.identityPublicKey) throw new UnapprovedDeviceError(d.userId, d.deviceId);
    const identityProblem = await identityKeyProblem(d.identityPublicKey);
    if (identityProblem) throw new UnusableDeviceError(d.userId, d.deviceId, identityProblem);
    await this.checkIdentity(d.userId, d.identityPublicKey);
    if (!(await deviceSignatureValid(d.identityPublicKey, d, d.identitySignature))) {
      throw new UnapprovedDeviceError(d.userId, d.deviceId);
    }
    const pinned = await this.store.get(d.deviceId);
    if (!pinned) {
      await this.store.pin({
        deviceId: d.deviceId,
        userId: d.userId,
        x25519PublicKey: d.x25519PublicKey,
        ed25519PublicKey: d.ed25519PublicKey,
        firstSeenAt: this.now().toISOString(),
      });
    } else if (
      pinned.userId !== d.userId ||
      pinned.ed25519PublicKey !== d.ed25519PublicKey ||
      pinned.x25519PublicKey !== d.x25519PublicKey
    ) {
      throw new KeyChangedError(d.userId, d.deviceId);
    }
    this.accepted.set(d.deviceId, claim);
  }

  /**
   * The user compared safety numbers out of band and accepts this person's identity key: forgets old
   * pins, pins it as verified, and checks their current devices against it. `compared` is the identity
   * key whose safety number the user compared: if the server now gives another, nothing is pinned.
   */
  async verify(userId: string, compared?: string): Promise<VerifiedPerson> {
    const { identityPublicKey } = await this.client.userIdentity(userId);
    if (!identityPublicKey) {
      throw new Error('That person has not set up their identity key yet: they run `strongroom device init` first.');
    }
    if (compared !== undefined && compared !== identityPublicKey) {
      throw new IdentityChangedError(userId);
    }
    const devices = await this.client.userDevices(userId);
    await this.store.forgetUser(userId);
    for (const [id, claim] of this.accepted) if (claim.startsWith(`${userId}.`)) this.accepted.delete(id);
    const identity: PinnedIdentity = {
      userId,
      identityPublicKey,
      firstSeenAt: this.now().toISOString(),
      verifiedAt: this.now().toISOString(),
    };
    await this.store.pinIdentity(identity);
    const accepted: string[] = [];
    const refused: VerifiedPerson['refused'] = [];
    for (const d of devices) {
      try {
        await this.check(claimOf(d));
        accepted.push(d.id);
      } catch (err) {
        if (!isTrustRefusal(err)) throw err;
        refused.push({ deviceId: d.id, reason: err.message });
      }
    }
    return { identity, accepted, refused };
  }

  /** A device's public keys, from the pins or (checked and pinned) from the server, for a signature or a box. */
  async deviceKeys(deviceId: string): Promise<TrustedDevice> {
    const pinned = await this.store.get(deviceId);
    if (pinned) return pinned;
    const d = await this.client.device(deviceId);
    await this.check(claimOf(d));
    return claimOf(d);
  }

  /**
   * A device with what ties it to its owner (their identity key and its signature over the device), as
   * the server gives it and checked here like any device, so that an export can carry it to be checked
   * offline. Null when this client does not trust that device now (its owner's identity changed since,
   * say): an export then carries the device's keys alone.
   */
  async signerEvidence(deviceId: string): Promise<DeviceClaim | null> {
    const claim = claimOf(await this.client.device(deviceId));
    try {
      await this.check(claim);
    } catch (err) {
      if (isTrustRefusal(err)) return null;
      throw err;
    }
    return claim;
  }

  /** When this client first saw each of a person's devices (to list a device as new since then). */
  firstSeen(userId: string): Promise<PinnedDevice[]> {
    return this.store.devicesOf(userId);
  }

  /** The pinned identity of a person, if this client has met them. */
  identityOf(userId: string): Promise<PinnedIdentity | undefined> {
    return this.store.getIdentity(userId);
  }
}
