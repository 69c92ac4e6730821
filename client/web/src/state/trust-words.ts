/**
 * What the page says when Strongroom will not trust someone: plain sentences with people's names, made
 * from the SDK's refusals (`IdentityChangedError`, `KeyChangedError`…) and its warnings (`onWarning`),
 * whose own words name people by id and tell CLI users which command to run. Pure: no page, no SDK
 * session, so `trust-words.spec.ts` pins each SDK sentence it reads.
 */

/** How a person's name is found from their user id (undefined when this page has not met them). */
export type NameOf = (userId: string) => string | undefined;

/** The one place "identity key" and "safety number" are explained, shown wherever they first appear. */
export const IDENTITY_KEY_EXPLAINED =
  'Each person’s Strongroom has an identity key: a secret key kept only on their own devices, which vouches ' +
  'for every device they use. Their safety number is a fingerprint of that key, short enough to read aloud.';

/** How to compare, said the same way everywhere. */
export const HOW_TO_COMPARE =
  'Compare it with them in person or by phone, not by message here: they find their own under “Your devices”. ' +
  'If both of you see the same number, nobody is standing in between.';

/** "Sam Patel’s", or "Someone’s" for a person this page has not met. */
const possessive = (name: string) => `${name}’s`;

/** The plain warning for a person whose identity key is not the one this browser pinned for them. */
export function identityChangedWords(name: string): string {
  return (
    `${possessive(name)} identity has changed since you last talked. This happens when they reset their account ` +
    '(new recovery key), or it can mean someone is trying to listen in. Compare their new safety number with them ' +
    'before you trust it.'
  );
}

/** The plain warning for a device whose keys are not the ones this browser first saw for it. */
export function keysChangedWords(name: string): string {
  return (
    `The keys of one of ${possessive(name)} devices have changed since this browser first saw it. That should not ` +
    'happen, and can mean someone is trying to listen in. Compare safety numbers with them before you trust it.'
  );
}

/**
 * Whether a notice is one of these warnings about `name` (a changed identity, changed device keys,
 * messages from a new identity not shown): once the person is accepted it no longer holds.
 */
export function warnsAboutChangeOf(text: string, name: string): boolean {
  return (
    text.startsWith(identityChangedWords(name)) ||
    text.startsWith(keysChangedWords(name)) ||
    text.startsWith(`Messages sent from ${possessive(name)} new identity`)
  );
}

/** Until the person is accepted, what the SDK does (nothing is encrypted to them). */
export const NOTHING_REACHES_THEM = 'Until you do, nothing you send reaches them.';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** The SDK's sentences this module reads (client/sdk/store/trust-store.ts, session/channel-keys.ts). */
const IDENTITY_CHANGED = new RegExp(`The identity of user (${UUID}) changed`);
const KEYS_CHANGED = new RegExp(`The keys of a device of user (${UUID}) changed`);
const NOT_APPROVED = new RegExp(`A device of user (${UUID}) \\(device [0-9a-f]{8}\\) was not approved`);
const UNUSABLE = new RegExp(`A device of user (${UUID}) \\(device [0-9a-f]{8}\\) cannot be trusted: (.*?)\\. Nothing`);
const KEY_REFUSED =
  /^The key for messages from (\d{4}-\d\d-\d\d \d\d:\d\d) \(key period \d+\) of conversation [0-9a-f]{8} was refused: (.*)\. Nothing under it is shown or sent\.$/s;
const WENT_TO_FORMER =
  /^The current key of conversation [0-9a-f]{8} went to a device that is no longer in it: a new key is made before anything is sent\.$/;
const LEFT_OUT = new RegExp(
  `^The current key of conversation [0-9a-f]{8} was made without a device of user (${UUID}) that you trust`,
);
const ANY_USER = new RegExp(`\\buser (${UUID})`, 'g');

/** "2026-05-03 14:05" (the SDK's UTC minute) as people here write it. */
function when(utcMinute: string): string {
  return new Date(`${utcMinute.replace(' ', 'T')}:00Z`).toLocaleString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/**
 * A refusal of one of a person's devices (the SDK's `TrustRefusal` messages), as the page says it. Null
 * for a sentence it does not know.
 */
function refusalWords(text: string, nameOf: NameOf): string | null {
  const name = (id: string) => nameOf(id) ?? 'Someone';
  let m = IDENTITY_CHANGED.exec(text);
  if (m) return `${identityChangedWords(name(m[1]))} ${NOTHING_REACHES_THEM}`;
  m = KEYS_CHANGED.exec(text);
  if (m) return `${keysChangedWords(name(m[1]))} Until you do, nothing you send reaches that device.`;
  m = NOT_APPROVED.exec(text);
  if (m) {
    return (
      `${name(m[1])} has a device they have not approved yet. Nothing you send reaches it until they approve it ` +
      'from another of their devices or with their recovery key.'
    );
  }
  m = UNUSABLE.exec(text);
  if (m) {
    return (
      `${name(m[1])} has a device whose keys nobody can safely use (${m[2]}). Nothing you send reaches it: ask ` +
      'them or an administrator to remove it.'
    );
  }
  return null;
}

/**
 * One of the SDK's warnings (`SecureSession.onWarning`) in plain words with names: a person whose
 * identity changed, a device left out of a conversation's new key, messages whose key was refused.
 * Anything it does not know is passed on with user ids replaced by names.
 */
export function plainWarning(text: string, nameOf: NameOf): string {
  const refused = KEY_REFUSED.exec(text);
  if (refused) {
    const [, at, why] = refused;
    const changed = IDENTITY_CHANGED.exec(why);
    if (changed) {
      const name = nameOf(changed[1]) ?? 'someone';
      return (
        `Messages sent from ${possessive(name)} new identity (from ${when(at)}) are not shown until you compare ` +
        'their new safety number with them and accept it.'
      );
    }
    const device = refusalWords(why, nameOf);
    return (
      `Some messages (from ${when(at)}) cannot be shown: the key to them was refused because ` +
      `${device ? `it was made on a device this browser does not trust. ${device}` : `${why}.`}`
    );
  }
  const device = refusalWords(text, nameOf);
  if (device) return device;
  if (WENT_TO_FORMER.test(text)) {
    return (
      'Someone who has left one of your conversations still held its current key, so Strongroom made a new one ' +
      'before sending anything.'
    );
  }
  const leftOut = LEFT_OUT.exec(text);
  if (leftOut) {
    return (
      `${nameOf(leftOut[1]) ?? 'Someone you trust'} had been left out of a conversation’s current key by another ` +
      'member’s device. Strongroom made a new key that includes them.'
    );
  }
  return text.replace(ANY_USER, (_all, id: string) => nameOf(id) ?? 'someone');
}

/**
 * A refusal the SDK threw (`IdentityChangedError`, `KeyChangedError`, `UnapprovedDeviceError`,
 * `UnusableDeviceError`) as the page says it: sharing keys with someone, adding them, and so on.
 */
export function trustRefusalWords(err: Error, nameOf: NameOf): string {
  return (
    refusalWords(err.message, nameOf) ?? err.message.replace(ANY_USER, (_all, id: string) => nameOf(id) ?? 'someone')
  );
}
