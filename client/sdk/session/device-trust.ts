import type { StrongroomClient } from '../client.js';
import { devicePublicKeysProblem } from '../crypto/public-keys.js';
import { KeyChangedError, UnusableDeviceError, type TrustStore } from '../store/trust-store.js';
import type { MemberDeviceView } from '../types.js';

/** A device as the server lists a user's devices (what `verify` takes). */
export interface ListedDevice {
  id: string;
  userId: string;
  x25519PublicKey: string;
  ed25519PublicKey: string;
}

/**
 * Trust on first use for other devices' public keys (DESIGN.md §3): the first keys seen for a device are
 * pinned, a later different answer from the server is refused (`KeyChangedError`) until the user
 * re-verifies that person out of band. Every key this session seals to or checks a signature with
 * passes through here.
 */
export class DeviceTrust {
  constructor(
    private readonly client: StrongroomClient,
    private readonly store: TrustStore,
    private readonly now: () => Date,
  ) {}

  /**
   * Pins a device's keys at first sight, if they are keys anyone can safely use; refuses a device whose
   * keys changed since.
   */
  async check(d: MemberDeviceView): Promise<void> {
    const pinned = await this.store.get(d.deviceId);
    if (!pinned) {
      const problem = await devicePublicKeysProblem(d.x25519PublicKey, d.ed25519PublicKey);
      if (problem) throw new UnusableDeviceError(d.userId, d.deviceId, problem);
      await this.store.pin({ ...d, firstSeenAt: this.now().toISOString() });
      return;
    }
    if (
      pinned.userId !== d.userId ||
      pinned.ed25519PublicKey !== d.ed25519PublicKey ||
      pinned.x25519PublicKey !== d.x25519PublicKey
    ) {
      throw new KeyChangedError(d.userId, d.deviceId);
    }
  }

  /**
   * The user compared safety numbers out of band: forget old pins for this person and pin the keys
   * they have now.
   */
  async verify(userId: string, devices: ListedDevice[]): Promise<void> {
    await this.store.forgetUser(userId);
    for (const d of devices) {
      await this.check({
        deviceId: d.id,
        userId: d.userId,
        x25519PublicKey: d.x25519PublicKey,
        ed25519PublicKey: d.ed25519PublicKey,
      });
    }
  }

  /** A device's public keys, from the pins or (checked and pinned) from the server. */
  async deviceKeys(deviceId: string): Promise<MemberDeviceView> {
    const pinned = await this.store.get(deviceId);
    if (pinned) return pinned;
    const d = await this.client.device(deviceId);
    const view = {
      deviceId: d.id,
      userId: d.userId,
      x25519PublicKey: d.x25519PublicKey,
      ed25519PublicKey: d.ed25519PublicKey,
    };
    await this.check(view);
    return view;
  }
}
