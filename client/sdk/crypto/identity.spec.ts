import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  decodeRecoveryKey,
  deviceCode,
  deviceSignatureBytes,
  deviceSignatureValid,
  encodeRecoveryKey,
  identityFromSeed,
  identitySeed,
  newIdentitySeed,
  openSeedForDevice,
  RecoveryKeyError,
  safetyNumber,
  sealSeedForDevice,
  signDevice,
  type DeviceToSign,
} from './identity.js';
import { generateDeviceKeys } from './device-keys.js';
import { fromB64, sodium } from './sodium.js';

/** Written by test/vectors/protocol_v2_vectors.py with PyNaCl, from the text of docs/protocol.md. */
const vectors = JSON.parse(readFileSync(path.join(__dirname, '../../../test/vectors/protocol-v2.json'), 'utf8')) as {
  identity: {
    userId: string;
    seed: string;
    publicKey: string;
    privateKey: string;
    safetyNumber: string;
    recoveryKey: string;
  };
  device: {
    deviceId: string;
    x25519: { publicKey: string; privateKey: string };
    ed25519: { publicKey: string; privateKey: string };
    deviceCode: string;
    toSign: DeviceToSign;
    signatureBytesHex: string;
    signature: string;
    sealedSeedPlaintextHex: string;
    sealedSeed: string;
  };
};

const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64url'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const { identity, device } = vectors;
const OTHER_DEVICE_ID = '00000000-0000-4000-8000-0000000000aa';

describe('identity keys v2 against independent known answers (PyNaCl)', () => {
  it('makes the identity key pair from the seed, and gives the seed back', async () => {
    const keys = await identityFromSeed(bytes(identity.seed));
    expect(keys).toEqual({ v: 2, publicKey: identity.publicKey, privateKey: identity.privateKey });
    expect(hex(await identitySeed(keys))).toBe(hex(bytes(identity.seed)));
  });

  it('lays out the device signature bytes as specified and signs them to the same signature', async () => {
    expect(hex(deviceSignatureBytes(device.toSign))).toBe(device.signatureBytesHex);
    const keys = await identityFromSeed(bytes(identity.seed));
    expect(await signDevice(keys, device.toSign)).toBe(device.signature);
    expect(await deviceSignatureValid(identity.publicKey, device.toSign, device.signature)).toBe(true);
  });

  it('does not accept the device signature for another device, user or key, or from another identity', async () => {
    const tampered: DeviceToSign[] = [
      { ...device.toSign, deviceId: OTHER_DEVICE_ID },
      { ...device.toSign, userId: OTHER_DEVICE_ID },
      { ...device.toSign, x25519PublicKey: device.ed25519.publicKey, ed25519PublicKey: device.x25519.publicKey },
      { ...device.toSign, x25519PublicKey: vectors.identity.publicKey },
    ];
    for (const d of tampered) {
      expect(await deviceSignatureValid(identity.publicKey, d, device.signature)).toBe(false);
    }
    expect(await deviceSignatureValid(device.ed25519.publicKey, device.toSign, device.signature)).toBe(false);
    expect(await deviceSignatureValid(identity.publicKey, device.toSign, null)).toBe(false);
  });

  it('gives the specified safety number for the identity key, and another for another key', async () => {
    expect(await safetyNumber(identity.publicKey)).toBe(identity.safetyNumber);
    expect(await safetyNumber(device.ed25519.publicKey)).not.toBe(identity.safetyNumber);
  });

  it('gives the specified device code for the device’s keys, and another with the keys swapped', async () => {
    expect(await deviceCode(device.x25519.publicKey, device.ed25519.publicKey)).toBe(device.deviceCode);
    expect(await deviceCode(device.ed25519.publicKey, device.x25519.publicKey)).not.toBe(device.deviceCode);
  });

  it('opens the seed PyNaCl sealed to the device, and only as that device', async () => {
    const seed = await openSeedForDevice(device.sealedSeed, device.deviceId, device.x25519);
    expect(hex(seed)).toBe(hex(bytes(identity.seed)));
    await expect(openSeedForDevice(device.sealedSeed, OTHER_DEVICE_ID, device.x25519)).rejects.toThrow(
      'meant for another device',
    );
    const stranger = await generateDeviceKeys();
    await expect(openSeedForDevice(device.sealedSeed, device.deviceId, stranger.x25519)).rejects.toBeInstanceOf(
      RecoveryKeyError,
    );
  });

  it('seals the seed to the specified plaintext, and refuses a seed sealed for another device id', async () => {
    const s = await sodium();
    const sealed = await sealSeedForDevice(bytes(identity.seed), device.deviceId, device.x25519.publicKey);
    const plaintext = s.crypto_box_seal_open(
      fromB64(s, sealed),
      fromB64(s, device.x25519.publicKey),
      fromB64(s, device.x25519.privateKey),
    );
    expect(hex(plaintext)).toBe(device.sealedSeedPlaintextHex);
    // Same X25519 key, but meant for another device id: this device must not take it.
    const forOther = await sealSeedForDevice(bytes(identity.seed), OTHER_DEVICE_ID, device.x25519.publicKey);
    await expect(openSeedForDevice(forOther, device.deviceId, device.x25519)).rejects.toBeInstanceOf(RecoveryKeyError);
  });
});

describe('recovery key v2', () => {
  it('writes the specified recovery key for the seed and reads the seed back from it', async () => {
    expect(await encodeRecoveryKey(bytes(identity.seed))).toBe(identity.recoveryKey);
    expect(identity.recoveryKey).toMatch(/^([A-Z2-7]{4} ){13}[A-Z2-7]{4}$/);
    expect(hex(await decodeRecoveryKey(identity.recoveryKey))).toBe(hex(bytes(identity.seed)));
  });

  it('round-trips a fresh seed', async () => {
    const seed = await newIdentitySeed();
    expect(hex(await decodeRecoveryKey(await encodeRecoveryKey(seed)))).toBe(hex(seed));
  });

  it('reads a key typed in lower case, with hyphens or without separators', async () => {
    const seed = hex(bytes(identity.seed));
    const groups = identity.recoveryKey.split(' ');
    for (const typed of [
      identity.recoveryKey.toLowerCase(),
      groups.join('-').toLowerCase(),
      groups.join(''),
      ` ${groups.slice(0, 7).join(' - ')}\n${groups.slice(7).join('  ')} `,
    ]) {
      expect(hex(await decodeRecoveryKey(typed))).toBe(seed);
    }
  });

  it('refuses a key with any one character mistyped', async () => {
    const text = identity.recoveryKey.replace(/ /g, '');
    for (let i = 0; i < text.length; i++) {
      const typo = text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1);
      await expect(decodeRecoveryKey(typo)).rejects.toThrow('mistyped');
    }
  });

  it('refuses a key of the wrong length or with letters outside base32', async () => {
    const text = identity.recoveryKey.replace(/ /g, '');
    await expect(decodeRecoveryKey(text.slice(1))).rejects.toBeInstanceOf(RecoveryKeyError);
    await expect(decodeRecoveryKey(text + 'A')).rejects.toBeInstanceOf(RecoveryKeyError);
    await expect(decodeRecoveryKey('1' + text.slice(1))).rejects.toBeInstanceOf(RecoveryKeyError);
  });
});
