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
 * Trust on first use (DESIGN.md §3): the first keys seen for a device are pinned, and a later,
 * different answer from the server is refused until the user re-verifies that person.
 */
export interface TrustStore {
  get(deviceId: string): Promise<PinnedDevice | undefined>;
  pin(device: PinnedDevice): Promise<void>;
  /** Forgets every pin of a user (after re-verifying them out of band), so their current keys pin anew. */
  forgetUser(userId: string): Promise<void>;
}

export class MemoryTrustStore implements TrustStore {
  protected pins = new Map<string, PinnedDevice>();
  get(deviceId: string) {
    return Promise.resolve(this.pins.get(deviceId));
  }
  pin(device: PinnedDevice) {
    this.pins.set(device.deviceId, device);
    return Promise.resolve();
  }
  forgetUser(userId: string) {
    for (const [id, d] of this.pins) if (d.userId === userId) this.pins.delete(id);
    return Promise.resolve();
  }
}
