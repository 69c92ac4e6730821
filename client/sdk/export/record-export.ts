import { canonicalize } from '../crypto/audit-chain.js';
import { signDetached, verifyDetached } from '../crypto/channel-crypto.js';
import { fingerprint } from '../crypto/device-keys.js';
import { verifyMinutes } from '../crypto/minutes.js';

/**
 * "Promote to the case record": a meeting or a whole-family plan, decrypted on a member's device and
 * signed by that device, in a form an agency files in its own case system. The format is documented in
 * docs/export-format.md; this file is the reference for it. Everything here is pure and offline: a
 * verifier needs the export and nothing else (no server, no account, no key store).
 */

export const EXPORT_FORMAT = 'strongroom-record-export';
export const EXPORT_VERSION = 1;
/** Domain separation: an export signature can never be mistaken for any other Strongroom signature. */
const SIGNING_CONTEXT = 'strongroom-export:v1\n';

/** A person as the export names them: ids for the case system, names for the reader. */
export interface ExportPerson {
  userId: string;
  displayName: string;
  agencyName: string | null;
}

/** A signature the chair's (or an amendment author's) device made over sealed minutes, re-checkable offline. */
export interface ExportMinutesProof {
  deviceId: string;
  /** The signer's Ed25519 public key as the exporting device pinned it. */
  publicKey: string;
  /** The sealed text that was signed (still encrypted: the export holds no key that opens it). */
  ciphertext: string;
  signature: string;
}

export interface ExportAction {
  id: string;
  description: string;
  owner: ExportPerson;
  dueOn: string;
  /** `overdue` when still open on the export date. */
  status: string;
  planObjective: string | null;
  meetingId: string | null;
}

export interface MeetingRecord {
  meeting: {
    id: string;
    kind: string;
    channelId: string;
    familyRef: string | null;
    status: string;
    scheduledAt: string;
    startedAt: string | null;
    closedAt: string | null;
    place: string | null;
    chair: ExportPerson;
    minuteTaker: ExportPerson | null;
  };
  agenda: { id: string; title: string }[];
  attendance: (ExportPerson & { agencyId: string; attendance: string | null })[];
  familyAttendance: { memberRef: string; present: boolean }[];
  minutes: {
    version: number;
    /** The minutes document exactly as written (usually `{ sections: [{ item, notes }], familyVoice }`). */
    document: unknown;
    signedBy: ExportPerson;
    proof: ExportMinutesProof;
  };
  amendments: {
    number: number;
    author: ExportPerson;
    createdAt: string;
    text: string;
    reason: string;
    proof: ExportMinutesProof;
  }[];
  entries: { agendaItem: string; kind: string; text: string; author: ExportPerson; createdAt: string }[];
  actions: ExportAction[];
}

export interface FamilyPlanRecord {
  family: { id: string; ref: string; channelId: string; leadWorker: ExportPerson };
  members: { memberRef: string; role: string; covered: boolean }[];
  plan: {
    version: number;
    reviewOn: string;
    reviewOverdue: boolean;
    savedAt: string;
    author: ExportPerson;
    /** The plan document exactly as written (usually `{ objectives: [...], familyVoice }`). */
    document: unknown;
  };
  progress: { objective: string; kind: string; text: string; author: ExportPerson; createdAt: string }[];
  actions: ExportAction[];
}

interface ExportBase<K extends string, R> {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  kind: K;
  exportId: string;
  exportedAt: string;
  /** The server the record came from (for the reader; the signature does not depend on it). */
  source: string;
  exportedBy: ExportPerson & { agencyId: string; deviceId: string; publicKey: string };
  record: R;
}

export type MeetingExport = ExportBase<'meeting', MeetingRecord>;
export type FamilyPlanExport = ExportBase<'family-plan', FamilyPlanRecord>;
export type UnsignedExport = MeetingExport | FamilyPlanExport;
export type SignedExport = UnsignedExport & { signature: { algorithm: 'ed25519'; value: string } };

/** The exact bytes the exporting device signs: a context line, then canonical JSON of all but `signature`. */
export function exportSigningBytes(doc: UnsignedExport | SignedExport): Uint8Array {
  const { signature: _omit, ...signed } = doc as SignedExport;
  return new TextEncoder().encode(SIGNING_CONTEXT + canonicalize(signed));
}

export async function signExport(doc: UnsignedExport, ed25519PrivateKey: string): Promise<SignedExport> {
  const value = await signDetached(exportSigningBytes(doc), ed25519PrivateKey);
  return { ...doc, signature: { algorithm: 'ed25519', value } };
}

export interface ExportCheck {
  /** What was checked, in words. */
  check: string;
  ok: boolean;
}

export interface ExportVerification {
  valid: boolean;
  kind: string | null;
  exportedBy: SignedExport['exportedBy'] | null;
  /** Safety number of the exporting device's key alone, to compare with the exporter out of band. */
  deviceFingerprint: string | null;
  checks: ExportCheck[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks an export offline: its format, the exporting device's signature over everything in it, and
 * (for a meeting) the chair's signature over the final minutes and each amendment author's signature.
 * Never throws on a malformed document: it reports what failed.
 */
export async function verifyExport(doc: unknown): Promise<ExportVerification> {
  const checks: ExportCheck[] = [];
  const fail = (check: string): ExportVerification => ({
    valid: false,
    kind: null,
    exportedBy: null,
    deviceFingerprint: null,
    checks: [...checks, { check, ok: false }],
  });
  if (!isObject(doc) || doc.format !== EXPORT_FORMAT) return fail(`is a ${EXPORT_FORMAT} document`);
  if (doc.version !== EXPORT_VERSION) return fail(`is format version ${EXPORT_VERSION}`);
  const signed = doc as unknown as SignedExport;
  const by = signed.exportedBy;
  if (!isObject(by) || typeof by.publicKey !== 'string' || !isObject(signed.signature)) {
    return fail('names its exporting device and carries a signature');
  }
  if (signed.signature.algorithm !== 'ed25519' || typeof signed.signature.value !== 'string') {
    return fail('is signed with Ed25519');
  }
  checks.push({
    check: `signed by device ${by.deviceId} of ${by.displayName} (${by.agencyName})`,
    ok: await verifyDetached(exportSigningBytes(signed), signed.signature.value, by.publicKey),
  });
  if (signed.kind === 'meeting') checks.push(...(await minutesChecks(signed.record)));
  let deviceFingerprint: string | null = null;
  try {
    deviceFingerprint = await fingerprint([by.publicKey]);
  } catch {
    checks.push({ check: 'the exporting device key is a well-formed Ed25519 key', ok: false });
  }
  return {
    valid: checks.every((c) => c.ok),
    kind: signed.kind,
    exportedBy: by,
    deviceFingerprint,
    checks,
  };
}

async function minutesChecks(record: MeetingRecord): Promise<ExportCheck[]> {
  const out: ExportCheck[] = [];
  const proof = async (what: 'final' | 'amendment', number: number, p: ExportMinutesProof) =>
    isObject(p) && verifyMinutes(record.meeting.id, what, number, p.ciphertext, p.signature, p.publicKey);
  try {
    const m = record.minutes;
    out.push({
      check: `final minutes (version ${m.version}) signed by the chair’s device ${m.proof.deviceId}`,
      ok: m.signedBy.userId === record.meeting.chair.userId && (await proof('final', m.version, m.proof)),
    });
    for (const a of record.amendments) {
      out.push({
        check: `amendment ${a.number} signed by its author’s device ${a.proof.deviceId}`,
        ok: await proof('amendment', a.number, a.proof),
      });
    }
  } catch {
    out.push({ check: 'the minutes’ signatures are well-formed', ok: false });
  }
  return out;
}
