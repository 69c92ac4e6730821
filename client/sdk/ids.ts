/**
 * A new plan objective id: 16 random bytes in base64url (22 characters). The id travels in clear (actions
 * and progress reports name the objective they serve), so it must carry no meaning; the objective's name
 * stays inside the sealed plan.
 */
export function newObjectiveId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
