import type { StrongroomClient } from '../client.js';
import { generateDeviceKeys } from '../crypto/device-keys.js';
import {
  decodeRecoveryKey,
  deviceCode,
  encodeRecoveryKey,
  identityFromSeed,
  identitySeed,
  newIdentitySeed,
  normaliseDeviceCode,
  openSeedForDevice,
  RecoveryKeyError,
  sealSeedForDevice,
  signDevice,
} from '../crypto/identity.js';
import type { StoredDevice } from '../store/key-store.js';
import type { DeviceView } from '../types.js';

/**
 * Setting up a device under protocol v2 (docs/protocol.md, "Identity keys and cross-signing"): a
 * person's first device makes their identity key and recovery key; a further device waits until
 * another of their devices approves it by its code, or approves itself with the recovery key. Each
 * function returns the `StoredDevice` for the caller to keep encrypted (KeyStore.save).
 */

/** A device could not be approved as asked (no such code, no identity key here): the person can fix it. */
export class DeviceApprovalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceApprovalError';
  }
}

/** What a person's first device holds afterwards, and the recovery key to show them once. */
export interface FirstDevice {
  stored: StoredDevice;
  device: DeviceView;
  recoveryKey: string;
}

/** A device waiting for approval, and the code its owner compares on the approving device. */
export interface WaitingDevice {
  stored: StoredDevice;
  device: DeviceView;
  code: string;
}

async function register(client: StrongroomClient, label: string) {
  const me = await client.me();
  const keys = await generateDeviceKeys();
  const device = await client.registerDevice(me.user.id, keys, label);
  const stored: StoredDevice = { userId: me.user.id, deviceId: device.id, serverUrl: client.serverUrl, keys };
  return { me, keys, device, stored };
}

const toSign = (stored: StoredDevice) => ({
  userId: stored.userId,
  deviceId: stored.deviceId,
  x25519PublicKey: stored.keys.x25519.publicKey,
  ed25519PublicKey: stored.keys.ed25519.publicKey,
});

/**
 * A person's first device: registers it (the session needs a fresh step-up), makes their identity key
 * from a fresh seed, signs this device with it and publishes it. The recovery key carries the seed.
 */
export async function enrolFirstDevice(client: StrongroomClient, label: string): Promise<FirstDevice> {
  const seed = await newIdentitySeed();
  const identity = await identityFromSeed(seed);
  const { stored, device } = await register(client, label);
  const withIdentity: StoredDevice = { ...stored, identity };
  await client.publishIdentity({
    identityPublicKey: identity.publicKey,
    deviceId: stored.deviceId,
    deviceSignature: await signDevice(identity, toSign(stored)),
  });
  return { stored: withIdentity, device: await client.device(device.id), recoveryKey: await encodeRecoveryKey(seed) };
}

/** A further device of someone who has an identity key: registered, waiting for approval by its code. */
export async function requestDevice(client: StrongroomClient, label: string): Promise<WaitingDevice> {
  const { stored, device, keys } = await register(client, label);
  return { stored, device, code: await deviceCode(keys.x25519.publicKey, keys.ed25519.publicKey) };
}

/** The identity key carried by a typed recovery key, once it is checked to be this person's published one. */
async function recoveredIdentity(client: StrongroomClient, recoveryKey: string) {
  const identity = await identityFromSeed(await decodeRecoveryKey(recoveryKey));
  const me = await client.me();
  const published = await client.userIdentity(me.user.id);
  if (!published.identityPublicKey) {
    throw new RecoveryKeyError('This account has no identity key yet: set up your first device without --recover.');
  }
  if (published.identityPublicKey !== identity.publicKey) {
    throw new RecoveryKeyError('That recovery key does not belong to this account.');
  }
  return { identity, userId: me.user.id };
}

/**
 * A new device approved with the recovery key: the seed it carries must give this person's published
 * identity key (otherwise nothing is registered), then the device signs itself.
 */
export async function recoverDevice(
  client: StrongroomClient,
  label: string,
  recoveryKey: string,
): Promise<{ stored: StoredDevice; device: DeviceView }> {
  const { identity } = await recoveredIdentity(client, recoveryKey);
  const { stored } = await register(client, label);
  const device = await client.approveDevice(stored.deviceId, {
    identitySignature: await signDevice(identity, toSign(stored)),
  });
  return { stored: { ...stored, identity }, device };
}

/**
 * A device already registered and waiting for approval, approved with the recovery key instead of from
 * another device (no second registration, so no stray waiting device is left behind). The key is checked
 * as for `recoverDevice`.
 */
export async function recoverWaitingDevice(
  client: StrongroomClient,
  stored: StoredDevice,
  recoveryKey: string,
): Promise<{ stored: StoredDevice; device: DeviceView }> {
  if (stored.identity) throw new RecoveryKeyError('This device is approved already.');
  const { identity, userId } = await recoveredIdentity(client, recoveryKey);
  if (stored.userId !== userId) {
    throw new RecoveryKeyError('This device belongs to another account than the one signed in here.');
  }
  const device = await client.approveDevice(stored.deviceId, {
    identitySignature: await signDevice(identity, toSign(stored)),
  });
  return { stored: { ...stored, identity }, device };
}

/**
 * On a device that holds the identity key: finds this person's waiting device whose keys give `code`,
 * signs it and sends it the identity seed sealed to its key. The person compares the code shown on the
 * new device, so the server cannot slip in keys of its own.
 */
export async function approveDeviceByCode(
  client: StrongroomClient,
  approver: StoredDevice,
  code: string,
): Promise<DeviceView> {
  if (!approver.identity) {
    throw new DeviceApprovalError('This device does not hold your identity key, so it cannot approve others.');
  }
  const wanted = normaliseDeviceCode(code);
  if (wanted.length !== 15) throw new DeviceApprovalError('A device code has 15 digits, as the new device shows it.');
  const waiting: DeviceView[] = [];
  let alreadyApproved: DeviceView | undefined;
  for (const d of await client.myDevices()) {
    if (d.id === approver.deviceId) continue;
    if (normaliseDeviceCode(await deviceCode(d.x25519PublicKey, d.ed25519PublicKey)) !== wanted) continue;
    if (d.approvedAt) alreadyApproved = d;
    else waiting.push(d);
  }
  if (waiting.length !== 1) {
    throw new DeviceApprovalError(
      waiting.length
        ? 'More than one waiting device shows that code: revoke the ones you do not recognise.'
        : alreadyApproved
          ? `The device showing that code (${alreadyApproved.label}) is already approved.`
          : 'None of your devices waiting for approval shows that code. Check the code on the new device.',
    );
  }
  const [d] = waiting;
  const signed = {
    userId: approver.userId,
    deviceId: d.id,
    x25519PublicKey: d.x25519PublicKey,
    ed25519PublicKey: d.ed25519PublicKey,
  };
  return client.approveDevice(d.id, {
    identitySignature: await signDevice(approver.identity, signed),
    sealedIdentitySeed: await sealSeedForDevice(await identitySeed(approver.identity), d.id, d.x25519PublicKey),
    byDeviceId: approver.deviceId,
  });
}

/**
 * On a waiting device: once approved from another device, takes the identity seed sealed to it and
 * checks it gives the published identity key. Returns the device with its identity, or null while it
 * is still waiting.
 */
export async function completeApproval(client: StrongroomClient, stored: StoredDevice): Promise<StoredDevice | null> {
  if (stored.identity) return stored;
  const device = await client.device(stored.deviceId);
  if (!device.approvedAt) return null;
  if (!device.sealedIdentitySeed) {
    throw new RecoveryKeyError(
      'This device was approved without your identity key: approve it again from another device.',
    );
  }
  const identity = await identityFromSeed(
    await openSeedForDevice(device.sealedIdentitySeed, stored.deviceId, stored.keys.x25519),
  );
  if (identity.publicKey !== device.identityPublicKey) {
    throw new RecoveryKeyError('The identity key sent to this device is not your published one: do not use it.');
  }
  return { ...stored, identity };
}
