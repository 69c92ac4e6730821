/**
 * The bytes a device signs to lock minutes at close (`final`, the version closed) or to add an
 * amendment (`amendment`, its number), layout v2 (docs/protocol.md, "Signed minutes"): bound to the
 * meeting, what is signed and which one, the hash of the plaintext document the client computed (the
 * server never sees the text, so it takes the hash as sent and keeps it), then the sealed bytes. The SDK
 * builds the same bytes (client/sdk/crypto/minutes.ts); test/vectors/protocol-v2.json pins them.
 */
export function minutesSigningBytes(
  meetingId: string,
  what: 'final' | 'amendment',
  number: number,
  textHash: Buffer,
  ciphertext: Buffer,
): Buffer {
  if (textHash.length !== 32) throw new Error('A minutes text hash is 32 bytes.');
  return Buffer.concat([
    Buffer.from(`strongroom-minutes:v2\n${meetingId}\n${what}\n${number}\n`, 'utf8'),
    textHash,
    ciphertext,
  ]);
}
