import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decryptField, fieldAd } from './channel-crypto.js';

/** Sealed fields v2 against the independent PyNaCl vectors (test/vectors/field_v2_vectors.py). */
const v = JSON.parse(readFileSync(path.join(__dirname, '../../../test/vectors/field-v2.json'), 'utf8')) as {
  purpose: string;
  channelId: string;
  epoch: number;
  recordId: string;
  version: number;
  key: string;
  value: unknown;
  adHex: string;
  sealed: string;
};
const key = Buffer.from(v.key, 'base64url');
const at = { recordId: v.recordId, version: v.version };

describe('sealed fields bound to their record (protocol v2) against the PyNaCl vectors', () => {
  it('builds the same additional data and opens the field sealed by the independent implementation', async () => {
    expect(Buffer.from(fieldAd(v.purpose, v.channelId, v.epoch, at)).toString('hex')).toBe(v.adHex);
    expect(await decryptField(v.sealed, v.purpose, v.channelId, v.epoch, key, at)).toEqual(v.value);
  });

  it.each([
    ['another record', { recordId: '00000000-0000-4000-8000-000000000000', version: v.version }],
    ['another version of the same record', { recordId: v.recordId, version: v.version + 1 }],
  ])('does not open as %s', async (_what, other) => {
    await expect(decryptField(v.sealed, v.purpose, v.channelId, v.epoch, key, other)).rejects.toThrow();
  });

  it('does not open as another purpose, channel or key period', async () => {
    await expect(decryptField(v.sealed, 'family-plan', v.channelId, v.epoch, key, at)).rejects.toThrow();
    await expect(
      decryptField(v.sealed, v.purpose, '00000000-0000-4000-8000-000000000000', v.epoch, key, at),
    ).rejects.toThrow();
    await expect(decryptField(v.sealed, v.purpose, v.channelId, v.epoch + 1, key, at)).rejects.toThrow();
  });
});
