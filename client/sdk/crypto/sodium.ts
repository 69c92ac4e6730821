import type sodiumModule from 'libsodium-wrappers-sumo';

type Sodium = typeof sodiumModule;
let loading: Promise<Sodium> | undefined;

/**
 * libsodium (sumo build, for Argon2id) once initialised. Every crypto function awaits this, so
 * callers never see an uninitialised library. It is loaded on first use, not at import: in the web
 * client that keeps its WebAssembly (most of the page's weight) out of the first load, so the sign-in
 * screen appears before it, and the page starts fetching it as soon as it is up.
 */
export function sodium(): Promise<Sodium> {
  loading ??= import('libsodium-wrappers-sumo').then(async (m) => {
    // The ES module build exports it as default; Node's CommonJS interop may hand over the module itself.
    const s: Sodium = (m as { default?: Sodium }).default ?? m;
    await s.ready;
    return s;
  });
  return loading;
}

export const toB64 = (s: Sodium, bytes: Uint8Array): string => s.to_base64(bytes, s.base64_variants.URLSAFE_NO_PADDING);

export const fromB64 = (s: Sodium, text: string): Uint8Array =>
  s.from_base64(text, s.base64_variants.URLSAFE_NO_PADDING);

/** Loads the crypto library ahead of its first use (a page does this once it has shown its first screen). */
export const prepareCrypto = (): Promise<void> => sodium().then(() => undefined);

/**
 * Overwrites secret bytes with zeros through libsodium's `memzero`, which the optimiser cannot drop. Used by
 * the CLI's unlock agent on the device keys it holds when it locks or expires.
 */
export async function wipe(...buffers: Uint8Array[]): Promise<void> {
  const s = await sodium();
  for (const b of buffers) s.memzero(b);
}
