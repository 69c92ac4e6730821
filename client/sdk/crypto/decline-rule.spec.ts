import {
  characterCount,
  declineSealedBytes,
  nonBlankCharacterCount,
  paddedBodySize,
} from '../../../contracts/information-requests.js';
import { checkExplanation } from '../session/information-requests.js';
import { encryptField, newEpochKey, paddedSize } from './channel-crypto.js';

const CHANNEL = '0b7a3c1e-2f4d-4a5b-8c6d-7e8f9a0b1c2d';
const RECORD = '1c8b4d2f-3a5e-4b6c-9d7e-8f9a0b1c2d3e';
const sealedLength = async (text: string) =>
  Buffer.from(
    await encryptField({ text }, 'information-decline', CHANNEL, 1, await newEpochKey(), { recordId: RECORD }),
    'base64url',
  ).length;

/**
 * The decline rule's size bounds (contracts/information-requests.ts) against what the SDK really seals:
 * the server compares the sealed bytes with these bounds, so an honest client must always fall within
 * them, however its text is made up.
 */
describe('the decline rule’s bounds hold for what the SDK seals', () => {
  it('pads to the same sizes as the SDK', () => {
    for (let n = 0; n < 5000; n += 7) expect(paddedBodySize(n)).toBe(paddedSize(n));
  });

  it.each([
    ['plain words', 'We cannot share this without a court order.'],
    ['exactly twenty', 'x'.repeat(20)],
    ['at a bucket’s edge', 'y'.repeat(51)],
    ['one past it', 'y'.repeat(52)],
    ['accents and symbols', 'Pas de consentement — café, naïve, €100 × 3 ½'],
    ['emoji', '🙂'.repeat(30)],
    ['characters JSON escapes', '"quoted" \\ back\u0001\u001f'.repeat(4)],
    ['long', 'A sentence that explains. '.repeat(300)],
  ])('%s: sealed within the bounds of its length', async (_name, text) => {
    const bytes = await sealedLength(text);
    const { min, max } = declineSealedBytes(characterCount(text));
    expect(bytes).toBeGreaterThanOrEqual(min);
    expect(bytes).toBeLessThanOrEqual(max);
  });

  it('counts characters as a person does, and blank space as nothing', () => {
    expect(characterCount('🙂🙂')).toBe(2);
    expect(nonBlankCharacterCount(' a \n b\t')).toBe(2);
  });

  it('flags an explanation that is not the length declared, or too short, in plain words', () => {
    expect(checkExplanation('We cannot share this without consent.', 37).warning).toBeNull();
    expect(checkExplanation('No.', 20).warning).toMatch(/3 characters long, but 20 were declared/);
    expect(checkExplanation(`No.${' '.repeat(17)}`, 20).warning).toMatch(
      /fewer than 20 characters that are not spaces/,
    );
  });
});
