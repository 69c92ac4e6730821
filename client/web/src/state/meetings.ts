import {
  StrongroomApiError,
  type ActionView,
  type AgendaItem,
  type ChannelView,
  type FamilyMemberDetails,
  type FamilyView,
  type MeetingView,
  type MinutesDocument,
  type SecureSession,
  type VerifiedMinutes,
} from '../../../sdk/browser.js';
import type { SealedField } from '../../../../contracts/common.js';
import { KIND_LABELS } from './inbox.js';

/**
 * A meeting as the meeting screens show it: the server's view with its sealed parts (place, agenda,
 * entries, minutes) opened on this device, and the names of the people involved. Nothing here is sent
 * anywhere: what the server holds stays ciphertext.
 */

/** The sealed purposes whose document is `{ text }`. */
type TextPurpose = 'meeting-place' | 'meeting-entry' | 'action' | 'action-note';

/** A failure of the network or a refusal by the server: shown as such, never as a bad signature. */
export function isServerFailure(err: unknown): boolean {
  return err instanceof StrongroomApiError || (err instanceof Error && err.name === 'StrongroomNetworkError');
}

/**
 * The text of a sealed `{ text }` field, or null when this device cannot open it (the screen says so in
 * words). A failure to reach the server is thrown: it is not the field's fault.
 */
export async function openText(
  s: SecureSession,
  channelId: string,
  purpose: TextPurpose,
  sealed: SealedField | null,
  at: { recordId: string; version?: number },
): Promise<string | null> {
  if (!sealed) return '';
  try {
    // Read defensively: a document written by another client may not have the shape the registry says.
    const v: { text?: unknown } | null = await s.openField(channelId, purpose, sealed, at);
    return typeof v?.text === 'string' ? v.text : null;
  } catch (err) {
    if (isServerFailure(err)) throw err;
    return null;
  }
}

/** A minutes document as another client may have written it, made safe to show and edit. */
export function normaliseMinutes(doc: unknown): MinutesDocument {
  const d = (doc ?? {}) as { sections?: unknown; familyVoice?: unknown };
  const sections = Array.isArray(d.sections)
    ? d.sections
        .filter((x): x is { item: unknown; notes: unknown } => typeof x === 'object' && x !== null)
        .map((x) => ({ item: String(x.item), notes: typeof x.notes === 'string' ? x.notes : '' }))
    : [];
  return { sections, ...(typeof d.familyVoice === 'string' ? { familyVoice: d.familyVoice } : {}) };
}

/** The people a meeting's pages name: channel members, those who left, and invitees. */
export class People {
  private readonly byId = new Map<string, { name: string; agency: string }>();

  constructor(
    private readonly me: string,
    channel: ChannelView | null,
    meeting?: MeetingView,
  ) {
    for (const m of channel?.formerMembers ?? [])
      this.byId.set(m.userId, { name: m.displayName, agency: m.agencyName });
    for (const m of meeting?.invitees ?? []) this.byId.set(m.userId, { name: m.displayName, agency: m.agencyName });
    for (const m of channel?.members ?? []) this.byId.set(m.userId, { name: m.displayName, agency: m.agencyName });
  }

  /** "Grace Obi", or "you"; someone no longer known here is "a former member". */
  name(userId: string | null | undefined): string {
    if (!userId) return 'nobody';
    if (userId === this.me) return 'you';
    return this.byId.get(userId)?.name ?? 'a former member';
  }

  /**
   * "Grace Obi (Early Help)", the person signed in included: what a record names people by, since it is
   * printed and read by others.
   */
  withAgency(userId: string | null | undefined): string {
    const p = userId ? this.byId.get(userId) : undefined;
    if (!p) return this.name(userId);
    return `${p.name} (${p.agency})`;
  }
}

/** A family member as a meeting shows them: their reference, and their name when this device opens it. */
export interface ShownFamilyMember {
  id: string;
  ref: string;
  role: string;
  name: string | null;
}

/** The family whose channel a meeting is in, with its members' names opened here. */
export interface ShownFamily {
  id: string;
  ref: string;
  leadWorkerId: string;
  members: ShownFamilyMember[];
}

/** The family whose conversation `channelId` is, or null (a locality or professionals' channel). */
export async function familyOfChannel(s: SecureSession, channelId: string): Promise<ShownFamily | null> {
  const summary = (await s.client.families()).find((f) => f.channelId === channelId);
  if (!summary) return null;
  const f: FamilyView = await s.client.family(summary.id);
  const members: ShownFamilyMember[] = [];
  for (const m of f.members) {
    let name: string | null = null;
    if (m.details) {
      try {
        const d: FamilyMemberDetails = await s.openField(f.channelId, 'family-member', m.details, { recordId: m.id });
        name = typeof d?.name === 'string' && d.name ? d.name : null;
      } catch (err) {
        if (isServerFailure(err)) throw err;
      }
    }
    members.push({ id: m.id, ref: m.ref, role: m.role, name });
  }
  return { id: f.id, ref: f.ref, leadWorkerId: f.leadWorker.userId, members };
}

/** The title of a conversation opened here, or null when it has none (or it does not open). */
async function titleOf(s: SecureSession, channelId: string): Promise<string | null> {
  try {
    return (await s.title(channelId)) || null;
  } catch (err) {
    if (isServerFailure(err)) throw err;
    return null;
  }
}

/**
 * Conversations' names as the person knows them: the title opened here; else, for a family's
 * conversation, the family's reference; else what kind of conversation it is. Conversations the person
 * is no longer in are named by what they were ("a conversation you have left").
 */
export async function conversationNames(s: SecureSession, channelIds: string[]): Promise<Map<string, string>> {
  const wanted = new Set(channelIds);
  const channels = (await s.client.channels()).filter((c) => wanted.has(c.id));
  const refs = channels.some((c) => c.kind === 'family_meeting')
    ? new Map((await s.client.families()).map((f) => [f.channelId, f.ref]))
    : new Map<string, string>();
  const names = new Map<string, string>();
  for (const c of channels) {
    const ref = refs.get(c.id);
    names.set(c.id, (await titleOf(s, c.id)) ?? (ref ? `family ${ref}` : KIND_LABELS[c.kind]));
  }
  for (const id of wanted) if (!names.has(id)) names.set(id, 'a conversation you have left');
  return names;
}

/** An entry (a decision, a note, an action minuted) with its text opened here (null: it does not open). */
export type ShownEntry = MeetingView['entries'][number] & { text: string | null };

/** Everything the meeting screen shows apart from the minutes and actions. */
export interface MeetingPage {
  view: MeetingView;
  channel: ChannelView;
  channelName: string;
  /** The agenda items in order; none when the meeting has no agenda. */
  agenda: AgendaItem[];
  /** The meeting has an agenda that does not open on this device. */
  agendaUnreadable: boolean;
  /** Where, or the link; '' when none was given, null when it does not open here. */
  place: string | null;
  entries: ShownEntry[];
  family: ShownFamily | null;
  people: People;
}

export async function loadMeeting(s: SecureSession, meetingId: string): Promise<MeetingPage> {
  const view = await s.client.meeting(meetingId);
  const channel = await s.client.channel(view.channelId);
  let agenda: AgendaItem[] = [];
  let agendaUnreadable = false;
  if (view.agenda) {
    try {
      const opened: unknown = await s.openField(view.channelId, 'meeting-agenda', view.agenda, { recordId: view.id });
      agenda = Array.isArray(opened)
        ? opened
            .filter(
              (a: Partial<AgendaItem> | null): a is AgendaItem =>
                typeof a?.id === 'string' && typeof a?.title === 'string',
            )
            .map((a) => ({ id: a.id, title: a.title }))
        : [];
    } catch (err) {
      if (isServerFailure(err)) throw err;
      agendaUnreadable = true;
    }
  }
  const place = await openText(s, view.channelId, 'meeting-place', view.place, { recordId: view.id });
  const entries: ShownEntry[] = [];
  for (const e of view.entries) {
    entries.push({ ...e, text: await openText(s, view.channelId, 'meeting-entry', e.content, { recordId: e.id }) });
  }
  const family = channel.kind === 'family_meeting' ? await familyOfChannel(s, view.channelId) : null;
  return {
    view,
    channel,
    channelName: (await titleOf(s, channel.id)) ?? (family ? `family ${family.ref}` : KIND_LABELS[channel.kind]),
    agenda,
    agendaUnreadable,
    place,
    entries,
    family,
    people: new People(s.userId, channel, view),
  };
}

/** An amendment to signed minutes as shown: checked with the rest, or opened alone when the check failed. */
export interface ShownAmendment {
  number: number;
  authorId: string;
  createdAt: string;
  text: string | null;
  reason: string | null;
}

/** Where the minutes stand, as this device could read and check them. */
export type MinutesState =
  | { kind: 'none' }
  | { kind: 'draft'; version: number; document: MinutesDocument; authorId: string; savedAt: string }
  | { kind: 'signed'; verified: VerifiedMinutes; document: MinutesDocument; amendments: ShownAmendment[] }
  /** Closed, but the signature did not hold: shown with the warning, never as signed. */
  | {
      kind: 'unverified';
      warning: string;
      version: number;
      document: MinutesDocument | null;
      amendments: ShownAmendment[];
    }
  /** The latest version does not open on this device. */
  | { kind: 'unreadable'; version: number };

/** The minutes of a meeting: the draft while it runs; once closed, checked against the chair's signature. */
export async function loadMinutes(s: SecureSession, view: MeetingView): Promise<MinutesState> {
  if (view.final) {
    try {
      const verified = await s.verifiedMinutes(view.id, view);
      return {
        kind: 'signed',
        verified,
        document: normaliseMinutes(verified.document),
        amendments: verified.amendments,
      };
    } catch (err) {
      if (isServerFailure(err)) throw err;
      return unverified(s, view, err instanceof Error ? err.message : String(err));
    }
  }
  if (!view.minutes) return { kind: 'none' };
  try {
    const doc: unknown = await s.openField(view.channelId, 'minutes', view.minutes, {
      recordId: view.id,
      version: view.minutes.version,
    });
    return {
      kind: 'draft',
      version: view.minutes.version,
      document: normaliseMinutes(doc),
      authorId: view.minutes.authorId,
      savedAt: view.minutes.savedAt,
    };
  } catch (err) {
    if (isServerFailure(err)) throw err;
    return { kind: 'unreadable', version: view.minutes.version };
  }
}

/** Closed minutes whose signature did not hold: whatever still opens, to show beside the warning. */
async function unverified(s: SecureSession, view: MeetingView, warning: string): Promise<MinutesState> {
  const version = view.final?.version ?? view.minutes?.version ?? 0;
  let document: MinutesDocument | null = null;
  const sealed = (await s.client.minutesVersions(view.id)).find((v) => v.version === version);
  if (sealed) {
    try {
      document = normaliseMinutes(
        await s.openField(view.channelId, 'minutes', sealed, { recordId: view.id, version: sealed.version }),
      );
    } catch (err) {
      if (isServerFailure(err)) throw err;
    }
  }
  const amendments: ShownAmendment[] = [];
  for (const a of view.amendments) {
    let text: string | null = null;
    let reason: string | null = null;
    try {
      const c = await s.openField(view.channelId, 'minutes-amendment', a, { recordId: view.id, version: a.number });
      text = typeof c?.text === 'string' ? c.text : null;
      reason = typeof c?.reason === 'string' ? c.reason : null;
    } catch (err) {
      if (isServerFailure(err)) throw err;
    }
    amendments.push({ number: a.number, authorId: a.authorId, createdAt: a.createdAt, text, reason });
  }
  return { kind: 'unverified', warning, version, document, amendments };
}

/** An action with its description opened here (null: it does not open on this device). */
export type ShownAction = ActionView & { text: string | null };

export async function describeActions(s: SecureSession, actions: ActionView[]): Promise<ShownAction[]> {
  const out: ShownAction[] = [];
  // One after another: opening pins the signers' device keys on first sight, which stays orderly this way.
  for (const a of actions) {
    out.push({ ...a, text: await openText(s, a.channelId, 'action', a.description, { recordId: a.id }) });
  }
  return out;
}

/** The actions raised in one meeting. */
export async function meetingActions(s: SecureSession, view: MeetingView): Promise<ShownAction[]> {
  const all = await s.client.channelActions(view.channelId);
  return describeActions(
    s,
    all.filter((a) => a.meetingId === view.id),
  );
}
