import type { TextDocument } from '../../../contracts/sealed.js';
import type { SecureSession } from '../secure-session.js';
import type { ActionView, ChannelView, MeetingView } from '../types.js';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  signExport,
  type ExportAction,
  type ExportPerson,
  type ExportSigner,
  type FamilyPlanExport,
  type MeetingExport,
  type SignedExport,
  type UnsignedExport,
} from './record-export.js';

/** Names for the user ids a record mentions, from the channel's members and the meeting's invitees. */
class People {
  private readonly known = new Map<string, ExportPerson>();

  constructor(channel: ChannelView, extra: { userId: string; displayName: string; agencyName: string }[] = []) {
    for (const p of [...channel.members, ...extra]) {
      this.known.set(p.userId, { userId: p.userId, displayName: p.displayName, agencyName: p.agencyName });
    }
  }

  /** Someone who has since left the channel is still named by id. */
  of(userId: string): ExportPerson {
    return this.known.get(userId) ?? { userId, displayName: userId, agencyName: null };
  }
}

/**
 * The text of a free-text field. The registry says what a purpose holds, but the bytes came from some
 * member's client: a field that is not `{ text }` is shown as its JSON rather than failing the export.
 */
export const textOf = (doc: TextDocument): string => {
  const v: unknown = doc;
  return typeof v === 'object' && v !== null && typeof (v as Partial<TextDocument>).text === 'string'
    ? doc.text
    : JSON.stringify(v);
};

/**
 * Builds signed exports of closed meetings and whole-family plans. Everything is decrypted here, on
 * this device, and the signature is this device's: the server only ever sees that an export was made.
 */
export class RecordExporter {
  constructor(
    private readonly session: SecureSession,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A closed meeting: attendance, the signed final minutes and amendments, entries and actions. */
  async meeting(meetingId: string): Promise<SignedExport> {
    const { client } = this.session;
    const meeting: MeetingView = await client.meeting(meetingId);
    if (!meeting.final) {
      throw new Error('Close the meeting first: only signed, final minutes are promoted to the case record.');
    }
    const channelId = meeting.channelId;
    const channel = await client.channel(channelId);
    const people = new People(channel, meeting.invitees);
    const verified = await this.session.verifiedMinutes(meetingId, meeting);
    const at = { recordId: meetingId };
    const agenda = meeting.agenda ? await this.session.openField(channelId, 'meeting-agenda', meeting.agenda, at) : [];
    const place = meeting.place
      ? textOf(await this.session.openField(channelId, 'meeting-place', meeting.place, at))
      : null;
    const entries = [];
    for (const e of meeting.entries) {
      entries.push({
        agendaItem: e.agendaItem,
        kind: e.kind,
        text: textOf(await this.session.openField(channelId, 'meeting-entry', e.content, { recordId: e.id })),
        author: people.of(e.authorId),
        createdAt: e.createdAt,
      });
    }
    const actions = (await client.channelActions(channelId)).filter((a) => a.meetingId === meetingId);
    const family = (await client.families()).find((f) => f.channelId === channelId);
    return this.sign(
      {
        kind: 'meeting',
        record: {
          meeting: {
            id: meeting.id,
            kind: meeting.kind,
            channelId,
            familyRef: family?.ref ?? null,
            status: meeting.status,
            scheduledAt: meeting.scheduledAt,
            startedAt: meeting.startedAt,
            closedAt: meeting.closedAt,
            place,
            chair: people.of(meeting.chairId),
            minuteTaker: meeting.minuteTakerId ? people.of(meeting.minuteTakerId) : null,
          },
          agenda,
          attendance: meeting.invitees.map((i) => ({
            userId: i.userId,
            displayName: i.displayName,
            agencyId: i.agencyId,
            agencyName: i.agencyName,
            attendance: i.attendance,
          })),
          familyAttendance: meeting.familyAttendance.map((f) => ({ memberRef: f.memberRef, present: f.present })),
          minutes: {
            version: verified.version,
            document: verified.document,
            signedBy: people.of(meeting.chairId),
            proof: verified.proof,
          },
          amendments: verified.amendments.map(({ authorId, ...a }) => ({ ...a, author: people.of(authorId) })),
          entries,
          actions: await this.actions(channelId, actions, people),
        },
      },
      (exportId) => client.recordMeetingExport(meetingId, exportId),
      [verified.proof.deviceId, ...verified.amendments.map((a) => a.proof.deviceId)],
    );
  }

  /** A family's whole-family plan: objectives, the members it covers, progress reports and linked actions. */
  async familyPlan(familyId: string): Promise<SignedExport> {
    const { client } = this.session;
    const family = await client.family(familyId);
    const view = await client.familyPlan(familyId);
    if (!view.plan) throw new Error(`${family.ref} has no whole-family plan yet: write one first.`);
    const channelId = family.channelId;
    const people = new People(await client.channel(channelId));
    const progress = [];
    for (const p of view.progress) {
      progress.push({
        objective: p.objective,
        kind: p.kind,
        text: textOf(await this.session.openField(channelId, 'plan-progress', p.report, { recordId: p.id })),
        author: people.of(p.authorId),
        createdAt: p.createdAt,
      });
    }
    const checked = await this.session.readPlan(family, view.plan);
    if (!checked.proof) throw new Error(`The plan cannot be exported as a signed record: ${checked.warning}`);
    const covered = new Set(view.plan.coveredMemberIds);
    const actions = (await client.channelActions(channelId)).filter((a) => a.planObjective !== null);
    return this.sign(
      {
        kind: 'family-plan',
        record: {
          family: { id: family.id, ref: family.ref, channelId, leadWorker: people.of(family.leadWorker.userId) },
          members: family.members.map((m) => ({
            memberId: m.id,
            memberRef: m.ref,
            role: m.role,
            covered: covered.has(m.id),
          })),
          plan: {
            version: view.plan.version,
            reviewOn: view.plan.reviewOn,
            reviewOverdue: view.plan.reviewOverdue,
            savedAt: view.plan.savedAt,
            author: people.of(view.plan.authorId),
            document: checked.document,
            coveredMemberIds: [...covered].sort(),
            proof: checked.proof,
          },
          progress,
          actions: await this.actions(channelId, actions, people),
        },
      },
      (exportId) => client.recordPlanExport(familyId, exportId),
      [checked.proof.deviceId],
    );
  }

  private async actions(channelId: string, actions: ActionView[], people: People): Promise<ExportAction[]> {
    const out: ExportAction[] = [];
    for (const a of actions) {
      out.push({
        id: a.id,
        description: textOf(await this.session.openField(channelId, 'action', a.description, { recordId: a.id })),
        owner: people.of(a.ownerId),
        dueOn: a.dueOn,
        status: a.status,
        planObjective: a.planObjective,
        meetingId: a.meetingId,
      });
    }
    return out;
  }

  /**
   * Each device that signed something in the record, and this one, with its owner's identity key and
   * identity signature over it when this device trusts them, so a verifier can tie each to a person offline.
   */
  private async signers(deviceIds: string[]): Promise<ExportSigner[]> {
    const out: ExportSigner[] = [];
    for (const deviceId of [...new Set([this.session.deviceId, ...deviceIds])].sort()) {
      const evidence = await this.session.signerEvidence(deviceId);
      const keys = evidence ?? (await this.session.deviceKeys(deviceId));
      out.push({
        userId: keys.userId,
        deviceId,
        x25519PublicKey: keys.x25519PublicKey,
        ed25519PublicKey: keys.ed25519PublicKey,
        identityPublicKey: evidence?.identityPublicKey ?? null,
        identitySignature: evidence?.identitySignature ?? null,
      });
    }
    return out;
  }

  /** Signs with this device, after the server has recorded (audited) that the export is being made. */
  private async sign(
    body: Pick<MeetingExport, 'kind' | 'record'> | Pick<FamilyPlanExport, 'kind' | 'record'>,
    record: (exportId: string) => Promise<unknown>,
    signerDeviceIds: string[] = [],
  ): Promise<SignedExport> {
    const signers = await this.signers(signerDeviceIds);
    const me = await this.session.client.me();
    const exportId = globalThis.crypto.randomUUID();
    await record(exportId);
    const doc = {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      kind: body.kind,
      exportId,
      exportedAt: this.now().toISOString(),
      source: this.session.client.serverUrl,
      exportedBy: {
        userId: me.user.id,
        displayName: me.user.displayName,
        agencyId: me.agency.id,
        agencyName: me.agency.name,
        deviceId: this.session.deviceId,
        publicKey: this.session.device.keys.ed25519.publicKey,
      },
      signers,
      record: body.record,
    } as UnsignedExport;
    return signExport(doc, this.session.device.keys.ed25519.privateKey);
  }
}
