import {
  IdentityChangedError,
  isTrustRefusal,
  KeyChangedError,
  safetyNumber,
  type ChannelMemberView,
  type VerifiedPerson,
} from '../../../sdk/browser.js';
import { app } from './app.js';
import { trustRefusalWords, warnsAboutChangeOf } from './trust-words.js';

/** An identity key and the safety number this page computed from it. */
export interface IdentityNumber {
  key: string;
  safetyNumber: string;
}

/** What this browser makes of one other person: the SDK's own checks, as a screen shows them. */
export interface PersonTrust {
  userId: string;
  /**
   * The identity key this browser pinned for them (at first sight, or when it was last accepted) with
   * its safety number, when they first met here and when the numbers were compared and confirmed; null
   * before this browser has met them (they have no approved device to meet).
   */
  pinned: (IdentityNumber & { firstSeenAt: string; verifiedAt: string | null }) | null;
  /**
   * Their identity key is no longer the pinned one: the one the server now gives (its number computed
   * here, to compare with them), or null while they have none (a reset under way). Nothing is
   * encrypted to them until it is accepted.
   */
  changed: { now: IdentityNumber | null } | null;
  /** A device of theirs now has other keys than this browser first saw for it. */
  keysChanged: boolean;
  /** Devices of theirs refused for another reason (not approved, unusable keys), in plain words. */
  refusedDevices: string[];
  /** Why they could not be looked at just now (the server out of reach, say); the rest is then empty. */
  problem?: string;
}

/**
 * Judges a member as the SDK does before it encrypts to them (each device checked against the identity
 * key pinned here; a person met for the first time is pinned now, as reading or sending would) and
 * compares the pinned key with the one the server gives now. Safety numbers are computed here, from
 * keys: never taken from the server.
 */
export async function personTrust(member: Pick<ChannelMemberView, 'userId' | 'devices'>): Promise<PersonTrust> {
  const secure = app.secure;
  let changed = false;
  let keysChanged = false;
  const refusedDevices: string[] = [];
  for (const d of member.devices) {
    try {
      await secure.checkDevice(d);
    } catch (err) {
      if (err instanceof IdentityChangedError) changed = true;
      else if (err instanceof KeyChangedError) keysChanged = true;
      else if (isTrustRefusal(err)) refusedDevices.push(trustRefusalWords(err, (id) => app.people.get(id)));
      else throw err;
    }
  }
  const [{ identity }, published] = await Promise.all([
    secure.seen(member.userId),
    secure.client.userIdentity(member.userId),
  ]);
  const now = published.identityPublicKey;
  if (identity && now !== identity.identityPublicKey) changed = true;
  return {
    userId: member.userId,
    pinned: identity
      ? {
          key: identity.identityPublicKey,
          safetyNumber: await safetyNumber(identity.identityPublicKey),
          firstSeenAt: identity.firstSeenAt,
          verifiedAt: identity.verifiedAt,
        }
      : null,
    changed: changed ? { now: now ? { key: now, safetyNumber: await safetyNumber(now) } : null } : null,
    keysChanged,
    refusedDevices,
  };
}

/**
 * The person compared safety numbers with `userId` and they matched: the identity key whose number was
 * shown (`key`) is pinned as checked now (refused with `IdentityChangedError` if the server now gives
 * another), and notices warning about them go. Every screen looks again.
 */
export async function markChecked(userId: string, key: string): Promise<VerifiedPerson> {
  const verified = await app.secure.verify(userId, key);
  // The warnings about them that were on screen no longer hold.
  const name = app.people.get(userId);
  if (name) app.notices.update((list) => list.filter((n) => !warnsAboutChangeOf(n.text, name)));
  app.trustChanged();
  return verified;
}

/**
 * The person compared a changed identity's new safety number with `userId` and they matched: trusts exactly the identity key
 * whose number was shown (`key`; refused with `IdentityChangedError` if the server now gives another),
 * then makes new keys for the conversations shared with them, so what is sent from now on reaches them
 * (what was sent while they were not trusted stays out of their reach). Every screen looks again.
 */
export async function acceptIdentity(userId: string, key: string, firstChannelId?: string): Promise<VerifiedPerson> {
  const secure = app.secure;
  const verified = await markChecked(userId, key);
  const shared: string[] = firstChannelId ? [firstChannelId] : [];
  for (const c of await secure.client.channels()) {
    if (c.id === firstChannelId) continue;
    const channel = await secure.client.channel(c.id);
    if (channel.members.some((m) => m.userId === userId)) shared.push(c.id);
  }
  for (const id of shared) {
    // Sending makes the new key by itself when it is needed: one that fails here (an observer's seat,
    // a member leaving just now) is made then.
    await secure.rotate(id).catch(() => undefined);
  }
  app.trustChanged();
  return verified;
}
