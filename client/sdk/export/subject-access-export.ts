import type { FamilyMemberDetails, MinutesDocument, PlanDocument } from '../../../contracts/sealed.js';
import type { SecureSession } from '../secure-session.js';
import type { MessageContent } from '../crypto/channel-crypto.js';
import { StrongroomApiError } from '../transport/http.js';
import type { FamilyView, SubjectAccessRequestView } from '../types.js';
import { textOf } from './build.js';

export const SUBJECT_ACCESS_EXPORT_FORMAT = 'strongroom-subject-access-export';

/** How far an export has got, for a progress line: the family it is on and what it has gathered so far. */
export interface SubjectAccessProgress {
  /** What is being gathered now. */
  step: 'family' | 'messages' | 'meetings' | 'plan' | 'actions' | 'done';
  familyRef: string | null;
  /** Families finished, of `families`. */
  familiesDone: number;
  families: number;
  messages: number;
  records: number;
}

/** One family's part of the export: what this member could decrypt, or why nothing. */
export interface SubjectAccessFamily {
  id: string;
  ref: string;
  /** False when this member is not in the family's channel: someone who is must gather it. */
  readable: boolean;
  note: string | null;
  /** The family's members the request names (every member when it names the family), with their details. */
  members: { id: string; ref: string; role: string; details: FamilyMemberDetails | null }[];
  messages: {
    seq: number;
    senderUserId: string | null;
    sentAt: string;
    deleted: boolean;
    content: MessageContent | null;
    error: string | null;
  }[];
  meetings: {
    id: string;
    kind: string;
    scheduledAt: string;
    status: string;
    minutes: { version: number; document: MinutesDocument } | null;
    entries: { kind: string; text: string; authorId: string; createdAt: string }[];
  }[];
  plan: { version: number; reviewOn: string; document: PlanDocument; warning: string | null } | null;
  actions: { id: string; description: string; ownerId: string; dueOn: string; status: string }[];
}

/** The file an export writes: everything the signed-in member could decrypt about the request's subject. */
export interface SubjectAccessExport {
  format: typeof SUBJECT_ACCESS_EXPORT_FORMAT;
  version: 1;
  exportId: string;
  exportedAt: string;
  exportedBy: { userId: string; deviceId: string };
  request: Pick<SubjectAccessRequestView, 'id' | 'receivedOn' | 'requesterType' | 'deadline' | 'status'>;
  counts: { families: number; messages: number; records: number };
  families: SubjectAccessFamily[];
}

const notReadable = (err: unknown): boolean =>
  err instanceof StrongroomApiError && (err.status === 403 || err.status === 404);

/**
 * Gathers a subject access request on this device (ISA 10). The server cannot: it holds only ciphertext.
 * For each family the request names, it decrypts what this member can (the family's members, the messages
 * of its channel, its meetings' minutes and entries, its plan, its actions) and nothing about any other
 * family. Messages and records are not tagged by person, so a request naming one member gathers their
 * family's record: the data-protection lead reviews it (and removes third parties) before disclosure.
 * The server is told only that an export was made, with counts.
 */
export class SubjectAccessExporter {
  constructor(
    private readonly session: SecureSession,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async export(requestId: string, onProgress?: (p: SubjectAccessProgress) => void): Promise<SubjectAccessExport> {
    const { client } = this.session;
    const request = await client.subjectAccessRequest(requestId);
    const families: SubjectAccessFamily[] = [];
    const progress: SubjectAccessProgress = {
      step: 'family',
      familyRef: null,
      familiesDone: 0,
      families: request.families.length,
      messages: 0,
      records: 0,
    };
    // `fetched`: messages of this family's channel read so far, before they are counted in.
    const report = (step: SubjectAccessProgress['step'], familyRef: string | null, fetched = 0) =>
      onProgress?.({ ...progress, messages: progress.messages + fetched, step, familyRef });
    for (const f of request.families) {
      report('family', f.ref);
      const named = request.members.filter((m) => m.familyId === f.id).map((m) => m.id);
      families.push(await this.family(f, named, progress, report));
      progress.familiesDone += 1;
    }
    report('done', null);
    const exportId = globalThis.crypto.randomUUID();
    const counts = {
      families: families.filter((f) => f.readable).length,
      messages: progress.messages,
      records: progress.records,
    };
    await client.recordSubjectAccessExport(requestId, { exportId, ...counts });
    return {
      format: SUBJECT_ACCESS_EXPORT_FORMAT,
      version: 1,
      exportId,
      exportedAt: this.now().toISOString(),
      exportedBy: { userId: this.session.userId, deviceId: this.session.deviceId },
      request: {
        id: request.id,
        receivedOn: request.receivedOn,
        requesterType: request.requesterType,
        deadline: request.deadline,
        status: request.status,
      },
      counts,
      families,
    };
  }

  private async family(
    f: { id: string; ref: string; channelId: string },
    namedMembers: string[],
    progress: SubjectAccessProgress,
    report: (step: SubjectAccessProgress['step'], familyRef: string | null, fetched?: number) => void,
  ): Promise<SubjectAccessFamily> {
    const { client } = this.session;
    const out: SubjectAccessFamily = {
      id: f.id,
      ref: f.ref,
      readable: true,
      note: null,
      members: [],
      messages: [],
      meetings: [],
      plan: null,
      actions: [],
    };
    let family: FamilyView;
    try {
      family = await client.family(f.id);
    } catch (err) {
      if (!notReadable(err)) throw err;
      return { ...out, readable: false, note: 'You are not in this family’s channel: someone who is must gather it.' };
    }
    const channelId = family.channelId;
    for (const m of family.members.filter((x) => !namedMembers.length || namedMembers.includes(x.id))) {
      const details = m.details
        ? await this.session.openField(channelId, 'family-member', m.details, { recordId: m.id })
        : null;
      out.members.push({ id: m.id, ref: m.ref, role: m.role, details });
      progress.records += 1;
    }

    report('messages', f.ref);
    for (const msg of await this.session.readAll(channelId, 0, (n) => report('messages', f.ref, n))) {
      out.messages.push({
        seq: msg.seq,
        senderUserId: msg.unverified ? null : msg.senderUserId,
        sentAt: msg.createdAt,
        deleted: msg.deleted,
        content: msg.content,
        error: msg.error ?? null,
      });
      progress.messages += 1;
    }

    report('meetings', f.ref);
    for (const s of await client.channelMeetings(channelId)) {
      const meeting = await client.meeting(s.id);
      const entries = [];
      for (const e of meeting.entries) {
        entries.push({
          kind: e.kind,
          text: textOf(await this.session.openField(channelId, 'meeting-entry', e.content, { recordId: e.id })),
          authorId: e.authorId,
          createdAt: e.createdAt,
        });
      }
      out.meetings.push({
        id: meeting.id,
        kind: meeting.kind,
        scheduledAt: meeting.scheduledAt,
        status: meeting.status,
        minutes: await this.session.readMinutes(meeting.id),
        entries,
      });
      progress.records += 1;
    }

    report('plan', f.ref);
    const plan = await client.familyPlan(f.id);
    if (plan.plan) {
      const checked = await this.session.readPlan(family, plan.plan);
      out.plan = {
        version: plan.plan.version,
        reviewOn: plan.plan.reviewOn,
        document: checked.document,
        warning: checked.warning ?? null,
      };
      progress.records += 1;
    }

    report('actions', f.ref);
    for (const a of await client.channelActions(channelId)) {
      out.actions.push({
        id: a.id,
        description: textOf(await this.session.openField(channelId, 'action', a.description, { recordId: a.id })),
        ownerId: a.ownerId,
        dueOn: a.dueOn,
        status: a.status,
      });
      progress.records += 1;
    }
    return out;
  }
}
