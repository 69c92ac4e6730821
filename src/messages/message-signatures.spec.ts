import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import type { SendMessageInput } from '../../contracts/messages.js';
import { messageSigningBytes } from '../channels/channel-proofs.js';
import { MessageSignatures } from './message-signatures.js';

/**
 * The verdict for a device's stored key, whatever is stored. The rows come from a stand-in for the devices
 * table (this is the one thing read); a database that holds something other than an Ed25519 key (someone
 * wrote to it, past the table's own check) must make a refused signature, not a failed batch.
 */
describe('MessageSignatures', () => {
  const userId = randomUUID();
  const channelId = randomUUID();
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
  const dto: SendMessageInput = {
    epoch: 1,
    senderDeviceId: randomUUID(),
    clientMessageId: randomUUID(),
    nonce: Buffer.alloc(24, 1).toString('base64url'),
    ciphertext: Buffer.alloc(40, 2).toString('base64url'),
    signature: '',
    n: 1,
    prev: null,
    sentAt: '2026-12-05T09:00:00.000Z',
    seen: null,
  };
  const nonce = Buffer.from(dto.nonce, 'base64url');
  const ciphertext = Buffer.from(dto.ciphertext, 'base64url');
  const { epoch, senderDeviceId, clientMessageId, n, prev, sentAt } = dto;
  const header = { channelId, epoch, senderDeviceId, clientMessageId, n, prev, sentAt, seen: null };
  const signed = messageSigningBytes(header, nonce, ciphertext);
  const signature = sign(null, signed, privateKey);

  let signatures: MessageSignatures;
  const storing = (row: { userId: string; ed25519PublicKey: Buffer } | null) => {
    signatures = new MessageSignatures({ manager: null } as never, { byId: () => Promise.resolve(row) } as never);
    return signatures;
  };
  afterEach(() => signatures.onApplicationShutdown());
  /** The verdict for this message, signed with `sig`, from the device `s` was made to read. */
  const verdict = (s: MessageSignatures, sig = signature) => s.check(userId, channelId, dto, nonce, ciphertext, sig);

  it('is ok for the device’s own signature, and bad with one bit changed', async () => {
    const s = storing({ userId, ed25519PublicKey: raw });
    expect(await verdict(s)).toBe('ok');
    const flipped = Buffer.from(signature);
    flipped[0] ^= 1;
    expect(await verdict(s, flipped)).toBe('bad');
  });

  it('is not_your_device for another person’s device or one that does not exist', async () => {
    expect(await verdict(storing({ userId: randomUUID(), ed25519PublicKey: raw }))).toBe('not_your_device');
    expect(await verdict(storing(null))).toBe('not_your_device');
  });

  it('refuses every signature when the stored key is not an Ed25519 key at all', async () => {
    for (const stored of [raw.subarray(1), Buffer.alloc(0), Buffer.concat([raw, Buffer.from([0])])]) {
      const s = storing({ userId, ed25519PublicKey: stored });
      expect(await verdict(s)).toBe('bad');
      await s.onApplicationShutdown();
    }
  });
});
