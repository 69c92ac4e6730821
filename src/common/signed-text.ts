/**
 * The bytes a device signs over a record's text (docs/protocol.md, "Signed records"): a context line, the
 * record id, labels naming which signature of the record it is, the hash of the plaintext the client
 * computed (the server never sees the text, so it takes the hash as sent and keeps it), then the sealed
 * bytes. The SDK builds the same bytes (client/sdk/crypto/signed-text.ts); the PyNaCl vectors in
 * test/vectors/protocol-v2.json pin them.
 */
function signedTextBytes(
  context: string,
  recordId: string,
  labels: (string | number)[],
  textHash: Buffer,
  ciphertext: Buffer,
): Buffer {
  if (textHash.length !== 32) throw new Error('A text hash is 32 bytes.');
  return Buffer.concat([
    Buffer.from(`${context}${recordId}\n${labels.map((l) => `${l}\n`).join('')}`, 'utf8'),
    textHash,
    ciphertext,
  ]);
}

/** Minutes, layout v2: the chair's lock at close (`final`, the version closed) or an `amendment` (its number). */
export function minutesSigningBytes(
  meetingId: string,
  what: 'final' | 'amendment',
  number: number,
  textHash: Buffer,
  ciphertext: Buffer,
): Buffer {
  return signedTextBytes('strongroom-minutes:v2\n', meetingId, [what, number], textHash, ciphertext);
}

/** A version of the whole-family plan, layout v1: its text hash covers the review date and the members covered too. */
export function planSigningBytes(familyId: string, version: number, textHash: Buffer, ciphertext: Buffer): Buffer {
  return signedTextBytes('strongroom-plan:v1\n', familyId, [version], textHash, ciphertext);
}
