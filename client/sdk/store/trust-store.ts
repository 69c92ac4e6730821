/** What this client has seen of one person: their identity key, pinned at first sight (protocol v2). */
export interface PinnedIdentity {
  userId: string;
  identityPublicKey: string;
  firstSeenAt: string;
  /** When the user compared safety numbers and confirmed it (`verify`); null if only seen. */
  verifiedAt: string | null;
}

/** What this client has seen of one device: whose it is and its public keys, pinned at first sight. */
export interface PinnedDevice {
  deviceId: string;
  userId: string;
  x25519PublicKey: string;
  ed25519PublicKey: string;
  firstSeenAt: string;
}

/** The keys the server now claims for a device differ from the ones pinned: someone may be in the middle. */
export class KeyChangedError extends Error {
  constructor(
    readonly userId: string,
    readonly deviceId: string,
  ) {
    super(
      `The keys of a device of user ${userId} changed since you first saw it. Compare safety numbers with them, ` +
        'then re-verify (strongroom verify <user>) before sending to them again.',
    );
    this.name = 'KeyChangedError';
  }
}

/**
 * The identity key the server now gives for a person differs from the one pinned: their identity changed
 * (a reset, or someone in the middle). Nothing is sealed to them until the user verifies it.
 */
export class IdentityChangedError extends Error {
  constructor(readonly userId: string) {
    super(
      `The identity of user ${userId} changed — compare safety numbers with them (in person or by phone), then ` +
        'run `strongroom verify <person>` to accept it. Nothing is encrypted to them until then.',
    );
    this.name = 'IdentityChangedError';
  }
}

/** A device its owner has not approved with their identity key: registered, but never trusted. */
export class UnapprovedDeviceError extends Error {
  constructor(
    readonly userId: string,
    readonly deviceId: string,
  ) {
    super(
      `A device of user ${userId} (device ${deviceId.slice(0, 8)}) was not approved by its owner's identity key. ` +
        'Nothing is encrypted to it. If it is theirs, they approve it from another of their devices ' +
        '(strongroom device approve) or with their recovery key.',
    );
    this.name = 'UnapprovedDeviceError';
  }
}

/** A device whose public keys no client should use: refused before it is ever trusted or sealed to. */
export class UnusableDeviceError extends Error {
  constructor(
    readonly userId: string,
    readonly deviceId: string,
    readonly problem: string,
  ) {
    super(
      `A device of user ${userId} (device ${deviceId.slice(0, 8)}) cannot be trusted: ${problem}. Nothing is ` +
        'encrypted to it; ask them or an administrator to remove that device.',
    );
    this.name = 'UnusableDeviceError';
  }
}

/**
 * Trust on first use of people (protocol v2): each person's identity key is pinned at first sight, and a
 * device is trusted only with a valid signature by it. The devices seen are pinned too, so a changed key
 * is refused and a new device can be shown as new.
 */
export interface TrustStore {
  get(deviceId: string): Promise<PinnedDevice | undefined>;
  pin(device: PinnedDevice): Promise<void>;
  getIdentity(userId: string): Promise<PinnedIdentity | undefined>;
  pinIdentity(identity: PinnedIdentity): Promise<void>;
  /** Every device pinned for a user (to list which are new since when). */
  devicesOf(userId: string): Promise<PinnedDevice[]>;
  /** Forgets every pin of a user (after re-verifying them out of band), so their current keys pin anew. */
  forgetUser(userId: string): Promise<void>;
}

export class MemoryTrustStore implements TrustStore {
  protected pins = new Map<string, PinnedDevice>();
  protected identities = new Map<string, PinnedIdentity>();
  get(deviceId: string) {
    return Promise.resolve(this.pins.get(deviceId));
  }
  pin(device: PinnedDevice) {
    this.pins.set(device.deviceId, device);
    return Promise.resolve();
  }
  getIdentity(userId: string) {
    return Promise.resolve(this.identities.get(userId));
  }
  pinIdentity(identity: PinnedIdentity) {
    this.identities.set(identity.userId, identity);
    return Promise.resolve();
  }
  devicesOf(userId: string) {
    return Promise.resolve([...this.pins.values()].filter((d) => d.userId === userId));
  }
  forgetUser(userId: string) {
    for (const [id, d] of this.pins) if (d.userId === userId) this.pins.delete(id);
    this.identities.delete(userId);
    return Promise.resolve();
  }
}
