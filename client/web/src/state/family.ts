import {
  UnableToDecryptError,
  type AgencyView,
  type ChannelView,
  type ConsentRegisterView,
  type FamilyMemberDetails,
  type FamilyView,
} from '../../../sdk/browser.js';
import { app } from './app.js';

type Member = FamilyView['members'][number];

/** A family member with their sealed details opened on this device. */
export interface ShownMember extends Member {
  /** Their name, or the short reference (M1) when none was recorded. */
  name: string;
  /** The short reference within the family: M1, M2… */
  shortRef: string;
  dateOfBirth: string | null;
  /** Set when their details could not be opened here: what to show instead. */
  unreadable: string | null;
}

/** Everything the family screen shows apart from the plan, loaded together. */
export interface FamilyRecord {
  family: FamilyView;
  channel: ChannelView;
  members: ShownMember[];
  register: ConsentRegisterView;
  agencies: AgencyView[];
}

/** The member's reference within the family (EH-2026-0042-M1 → M1). */
export const shortRef = (family: { ref: string }, memberRef: string) =>
  memberRef.startsWith(`${family.ref}-`) ? memberRef.slice(family.ref.length + 1) : memberRef;

/** Opens one member's details (name, date of birth) with this device's keys. */
export async function openMember(family: FamilyView, m: Member): Promise<ShownMember> {
  const base = { ...m, shortRef: shortRef(family, m.ref), name: shortRef(family, m.ref), dateOfBirth: null };
  if (!m.details) return { ...base, unreadable: null };
  try {
    // Read defensively: another client may have written a document of another shape.
    const d: Partial<FamilyMemberDetails> | null = await app.secure.openField(
      family.channelId,
      'family-member',
      m.details,
      { recordId: m.id },
    );
    return {
      ...base,
      name: typeof d?.name === 'string' && d.name.trim() ? d.name : base.name,
      dateOfBirth: typeof d?.dateOfBirth === 'string' ? d.dateOfBirth : null,
      unreadable: null,
    };
  } catch (err) {
    return {
      ...base,
      unreadable:
        err instanceof UnableToDecryptError
          ? 'This device does not hold the key for these details yet.'
          : 'These details could not be opened: they may have been altered.',
    };
  }
}

/** Opens members one after another: opening pins the writers' device keys, which is done once, in order. */
export async function openMembers(family: FamilyView): Promise<ShownMember[]> {
  const out: ShownMember[] = [];
  for (const m of family.members) out.push(await openMember(family, m));
  return out;
}

/** The family, its channel's people, its members opened here, the consent register and the agency list. */
export async function loadFamily(id: string): Promise<FamilyRecord> {
  const client = app.secure.client;
  const family = await client.family(id);
  const [channel, register, agencies, members] = await Promise.all([
    client.channel(family.channelId),
    client.consentRegister(family.id),
    client.agencies(),
    openMembers(family),
  ]);
  return { family, channel, members, register, agencies };
}

/**
 * The lead worker and the chair of the family's channel may change the family's record (members,
 * consent, plan): the server's rule (families.service `writable`), mirrored so the forms are offered
 * only to them.
 */
export function canChangeRecord(r: Pick<FamilyRecord, 'family' | 'channel'>): boolean {
  const me = app.user.id;
  return r.family.leadWorker.userId === me || r.channel.members.some((m) => m.userId === me && m.role === 'chair');
}

/** People named by id in the record (recorded by, approved by…), by what the family's channel knows of them. */
export function namesOf(channel: ChannelView): (userId: string | null) => string {
  const names = new Map<string, string>();
  for (const m of channel.formerMembers) names.set(m.userId, `${m.displayName} (${m.agencyName})`);
  for (const m of channel.members) names.set(m.userId, `${m.displayName} (${m.agencyName})`);
  return (userId) =>
    userId === null
      ? 'Nobody recorded'
      : userId === app.user.id
        ? 'You'
        : (names.get(userId) ?? 'Someone not in this family’s conversation');
}

/** Agency names by id. */
export function agencyNamesOf(agencies: AgencyView[]): (agencyId: string) => string {
  const names = new Map(agencies.map((a) => [a.id, a.name]));
  return (id) => names.get(id) ?? 'An agency no longer on the register';
}

/** A name from `namesOf` placed inside a sentence: "saved by you", not "saved by You". */
export const inSentence = (name: string) => (name === 'You' ? 'you' : name);
