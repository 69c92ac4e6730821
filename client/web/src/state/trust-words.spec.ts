import { describe, expect, it } from '@jest/globals';
import type { StrongroomClient } from '../../../sdk/client.js';
import { generateDeviceKeys } from '../../../sdk/crypto/device-keys.js';
import { identityFromSeed, newIdentitySeed } from '../../../sdk/crypto/identity.js';
import { ChannelKeys } from '../../../sdk/session/channel-keys.js';
import { DeviceTrust } from '../../../sdk/session/device-trust.js';
import {
  IdentityChangedError,
  KeyChangedError,
  MemoryTrustStore,
  UnapprovedDeviceError,
  UnusableDeviceError,
} from '../../../sdk/store/trust-store.js';
import { plainWarning, trustRefusalWords, warnsAboutChangeOf } from './trust-words.js';

const SAM = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const DEVICE = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const CHANNEL = '11111111-2222-4333-8444-555555555555';
const names = (id: string) => (id === SAM ? 'Sam Patel' : undefined);

/**
 * Warnings made by the SDK's own code, not copied here: a browser (Alice) whose pin of Sam's identity
 * no longer matches the device the server lists for him, as `ChannelKeys` meets it while making a new
 * key for a conversation and while opening one Sam's device made.
 */
async function realWarnings(): Promise<string[]> {
  const old = await identityFromSeed(await newIdentitySeed());
  const now = await identityFromSeed(await newIdentitySeed());
  const samKeys = await generateDeviceKeys();
  const samDevice = {
    deviceId: DEVICE,
    userId: SAM,
    x25519PublicKey: samKeys.x25519.publicKey,
    ed25519PublicKey: samKeys.ed25519.publicKey,
    identityPublicKey: now.publicKey,
    identitySignature: 'unchecked',
  };
  const client = {
    channelDevices: () => Promise.resolve({ currentEpoch: 1, rotationRequired: true, devices: [samDevice] }),
    device: () =>
      Promise.resolve({ ...samDevice, id: DEVICE, label: 'phone', createdAt: '', approvedAt: '', revokedAt: null }),
    channelKeys: () =>
      Promise.resolve([
        {
          epoch: 2,
          sealed: '',
          sharedByDeviceId: null,
          openerDeviceId: DEVICE,
          recipientDeviceIds: [DEVICE],
          withheldDeviceIds: [],
          commitment: '',
          signature: '',
          openedAt: '2026-05-03T14:05:09.000Z',
          firstSeq: 1,
        },
      ]),
  } as unknown as StrongroomClient;
  const store = new MemoryTrustStore();
  await store.pinIdentity({ userId: SAM, identityPublicKey: old.publicKey, firstSeenAt: '', verifiedAt: null });
  const trust = new DeviceTrust(client, store, () => new Date());
  const alice = { userId: 'alice', deviceId: 'alice-laptop', serverUrl: '', keys: await generateDeviceKeys() };
  const warnings: string[] = [];
  const keys = new ChannelKeys(client, alice, trust, (w) => warnings.push(w), {
    giveUpAfterMs: 0,
    firstDelayMs: 1,
    maxDelayMs: 1,
  });
  await keys.rotate(CHANNEL).catch(() => undefined); // Sam left out; then Alice's own device is not listed either
  await keys.keyFor(CHANNEL, 2).catch(() => undefined); // a key Sam's new device made, refused
  return warnings;
}

describe('what the page says when Strongroom will not trust someone', () => {
  it('a changed identity: the plain warning with the name, from the SDK’s refusal', () => {
    const text = trustRefusalWords(new IdentityChangedError(SAM), names);
    expect(text).toBe(
      'Sam Patel’s identity has changed since you last talked. This happens when they reset their account (new ' +
        'recovery key), or it can mean someone is trying to listen in. Compare their new safety number with them ' +
        'before you trust it. Until you do, nothing you send reaches them.',
    );
  });

  it('changed device keys, a device never approved, unusable keys: each in plain words, no command to run', () => {
    const said = [
      new KeyChangedError(SAM, DEVICE),
      new UnapprovedDeviceError(SAM, DEVICE),
      new UnusableDeviceError(SAM, DEVICE, 'its signing key is not a usable key'),
    ].map((e) => trustRefusalWords(e, names));
    expect(said[0]).toMatch(/^The keys of one of Sam Patel’s devices have changed/);
    expect(said[1]).toMatch(/^Sam Patel has a device they have not approved yet\./);
    expect(said[2]).toMatch(/^Sam Patel has a device whose keys nobody can safely use \(its signing key is not/);
    for (const s of said) expect(s).not.toMatch(/strongroom |user [0-9a-f]{8}-|undefined/);
  });

  it('a person this page has not met is “Someone”, never an id', () => {
    expect(trustRefusalWords(new IdentityChangedError(SAM), () => undefined)).toMatch(
      /^Someone’s identity has changed/,
    );
  });

  it('the SDK’s warnings while making and opening keys become plain sentences with the name', async () => {
    const warnings = await realWarnings();
    expect(warnings).toHaveLength(2);
    const [leftOut, refused] = warnings.map((w) => plainWarning(w, names));
    expect(leftOut).toMatch(
      /^Sam Patel’s identity has changed since you last talked\. .* nothing you send reaches them\.$/,
    );
    expect(refused).toMatch(
      /^Messages sent from Sam Patel’s new identity \(from 3 May 2026(,| at) \d\d:05\) are not shown until you compare their new safety number with them and accept it\.$/,
    );
    for (const w of [leftOut, refused]) expect(w).not.toMatch(/key period|strongroom verify|user [0-9a-f]{8}-/);
    // Both go from the screen once Sam is accepted; a warning about someone else stays.
    expect([leftOut, refused].every((w) => warnsAboutChangeOf(w, 'Sam Patel'))).toBe(true);
    expect(warnsAboutChangeOf(leftOut, 'Sam')).toBe(false);
  });

  it('a key left a former member or a trusted person out (the SDK’s sentences as channel-keys.ts words them)', () => {
    expect(
      plainWarning(
        'The current key of conversation 11111111 went to a device that is no longer in it: a new key is made before anything is sent.',
        names,
      ),
    ).toMatch(/^Someone who has left one of your conversations still held its current key/);
    expect(
      plainWarning(
        `The current key of conversation 11111111 was made without a device of user ${SAM} that you trust (left out by device 0a1b2c3d): a new key is made that includes it.`,
        names,
      ),
    ).toMatch(/^Sam Patel had been left out of a conversation’s current key/);
  });

  it('anything else passes with ids replaced by names', () => {
    expect(plainWarning(`Something about user ${SAM}.`, names)).toBe('Something about Sam Patel.');
  });
});
