import sodiumModule from 'libsodium-wrappers-sumo';

/**
 * libsodium (sumo build, for Argon2id) once initialised. Every crypto function awaits this, so
 * callers never see an uninitialised library.
 */
export async function sodium(): Promise<typeof sodiumModule> {
  await sodiumModule.ready;
  return sodiumModule;
}

export const toB64 = (s: typeof sodiumModule, bytes: Uint8Array): string =>
  s.to_base64(bytes, s.base64_variants.URLSAFE_NO_PADDING);

export const fromB64 = (s: typeof sodiumModule, text: string): Uint8Array =>
  s.from_base64(text, s.base64_variants.URLSAFE_NO_PADDING);
