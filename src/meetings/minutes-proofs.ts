/**
 * The bytes a device signs to lock minutes at close (`final`, the version closed) or to add an
 * amendment (`amendment`, its number): bound to the meeting, what is signed and which one, then the
 * sealed bytes themselves. The SDK builds the same bytes (client/sdk/crypto/minutes.ts).
 */
export function minutesSigningBytes(
  meetingId: string,
  what: 'final' | 'amendment',
  number: number,
  ciphertext: Buffer,
): Buffer {
  return Buffer.concat([Buffer.from(`strongroom-minutes:v1\n${meetingId}\n${what}\n${number}\n`, 'utf8'), ciphertext]);
}
