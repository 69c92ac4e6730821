import {
  IdentityChangedError,
  KeyChangedError,
  UnapprovedDeviceError,
  UnusableDeviceError,
  type ChannelMemberView,
  type SecureSession,
} from '../../../sdk/node.js';

/** How long a device stays listed as new after this computer first saw it. */
export const NEW_DEVICE_DAYS = 7;
/**
 * Devices first seen within this long of their owner's identity were met with the person (one command
 * checks all their devices together): none of those is "new", only one that turned up later.
 */
export const FIRST_MEETING_MS = 60_000;

/** What this computer makes of one device of a member. */
export type DeviceTrustState = 'trusted' | 'new' | 'identity_changed' | 'not_approved' | 'keys_changed' | 'unusable';

export interface DeviceTrustView {
  deviceId: string;
  state: DeviceTrustState;
  /** When this computer first saw (and pinned) it; null if it was refused before ever being trusted. */
  firstSeenAt: string | null;
}

/** What this computer makes of a member, in plain words (`notes`) and as fields for scripts. */
export type MemberTrustState = 'you' | 'trusted' | 'identity_changed' | 'no_approved_device' | 'not_trusted';

export interface MemberTrustView {
  state: MemberTrustState;
  /** Whether safety numbers were compared and confirmed here (`strongroom verify`). */
  verified: boolean;
  /** When this computer first saw the person's identity key (null for you, or someone not met yet). */
  identityFirstSeenAt: string | null;
  devices: DeviceTrustView[];
  /** One short sentence per thing worth knowing, without the person's name (the caller adds it). */
  notes: string[];
}

const when = (iso: string) => iso.replace('T', ' ').slice(0, 16);
const short = (deviceId: string) => deviceId.slice(0, 8);

function refusalState(err: unknown): DeviceTrustState | null {
  if (err instanceof IdentityChangedError) return 'identity_changed';
  if (err instanceof UnapprovedDeviceError) return 'not_approved';
  if (err instanceof KeyChangedError) return 'keys_changed';
  if (err instanceof UnusableDeviceError) return 'unusable';
  return null;
}

/**
 * Whether this computer trusts a channel member's devices (the same checks as before it encrypts to
 * them: approved by the person's identity key as pinned here, keys unchanged and usable), and which of
 * their devices it met only recently. Checking pins a person met here for the first time, as reading or
 * sending would.
 */
export async function memberTrust(
  s: SecureSession,
  member: Pick<ChannelMemberView, 'userId' | 'devices'>,
  now: Date = new Date(),
): Promise<MemberTrustView> {
  const you = member.userId === s.userId;
  const devices: DeviceTrustView[] = [];
  const notes: string[] = [];
  const compare = `compare safety numbers (strongroom fingerprint ${member.userId}, then strongroom verify ${member.userId})`;
  for (const d of member.devices) {
    try {
      await s.checkDevice(d);
      devices.push({ deviceId: d.deviceId, state: 'trusted', firstSeenAt: null });
    } catch (err) {
      const state = refusalState(err);
      if (!state) throw err;
      devices.push({ deviceId: d.deviceId, state, firstSeenAt: null });
      if (state === 'not_approved') {
        notes.push(`a device (${short(d.deviceId)}) is not approved by them: nothing is encrypted to it`);
      } else if (state === 'keys_changed') {
        notes.push(`the keys of a device (${short(d.deviceId)}) changed since this computer first saw it — ${compare}`);
      } else if (state === 'unusable') {
        notes.push(
          `a device (${short(d.deviceId)}) has keys nobody can safely use (${(err as UnusableDeviceError).problem}): ` +
            'nothing is encrypted to it; ask them or an administrator to remove it',
        );
      }
    }
  }

  const seen = await s.seen(member.userId);
  const firstSeen = new Map(seen.devices.map((d) => [d.deviceId, d.firstSeenAt]));
  const metAt = seen.identity ? Date.parse(seen.identity.firstSeenAt) : null;
  for (const d of devices) {
    d.firstSeenAt = firstSeen.get(d.deviceId) ?? null;
    if (d.state !== 'trusted' || !d.firstSeenAt || metAt === null) continue;
    const at = Date.parse(d.firstSeenAt);
    if (at - metAt > FIRST_MEETING_MS && now.getTime() - at < NEW_DEVICE_DAYS * 86_400_000) {
      d.state = 'new';
      notes.push(`new device since ${when(d.firstSeenAt)} (${short(d.deviceId)})`);
    }
  }

  let state: MemberTrustState;
  if (!member.devices.length) {
    state = 'no_approved_device';
    notes.unshift('no approved device: cannot read new messages');
  } else if (devices.some((d) => d.state === 'identity_changed')) {
    state = 'identity_changed';
    notes.unshift(
      you
        ? 'the identity key the server lists for you is not the one this computer holds — do not approve or ' +
            'recover devices, and tell your administrator'
        : `identity changed — ${compare}; nothing new is encrypted to them until then`,
    );
  } else if (!devices.some((d) => d.state === 'trusted' || d.state === 'new')) {
    state = 'not_trusted';
    notes.unshift('none of their devices is trusted here: cannot read new messages');
  } else {
    state = you ? 'you' : 'trusted';
  }
  return {
    state,
    verified: Boolean(seen.identity?.verifiedAt),
    identityFirstSeenAt: seen.identity?.firstSeenAt ?? null,
    devices,
    notes,
  };
}

/** The TRUST column: a word or two, the notes below the table saying the rest. */
export function trustSummary(t: MemberTrustView): string {
  const base = {
    you: 'you',
    trusted: t.verified ? 'verified' : 'trusted',
    identity_changed: 'IDENTITY CHANGED',
    no_approved_device: 'no approved device',
    not_trusted: 'NOT TRUSTED',
  }[t.state];
  const fresh = t.devices.filter((d) => d.state === 'new').length;
  const refused = t.devices.filter((d) => !['trusted', 'new', 'identity_changed'].includes(d.state)).length;
  return (
    base +
    (fresh ? `, ${fresh} new device${fresh > 1 ? 's' : ''}` : '') +
    (refused && t.state !== 'not_trusted' ? `, ${refused} device${refused > 1 ? 's' : ''} refused` : '')
  );
}
