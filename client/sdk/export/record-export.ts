import { canonicalize } from '../crypto/audit-chain.js';
import { signDetached, verifyDetached } from '../crypto/channel-crypto.js';
import { fingerprint } from '../crypto/device-keys.js';
import { deviceSignatureValid, safetyNumber } from '../crypto/identity.js';
import { minutesTextHash, verifyMinutes } from '../crypto/minutes.js';
import { planTextHash, verifyPlan } from '../crypto/plan.js';

/**
 * "Promote to the case record": a meeting or a whole-family plan, decrypted on a member's device and
 * signed by that device, in a form an agency files in its own case system. The format is documented in
 * docs/export-format.md; this file is the reference for it. Everything here is pure and offline: a
 * verifier needs the export and nothing else (no server, no account, no key store).
 */

export const EXPORT_FORMAT = 'strongroom-record-export';
/**
 * Version 3: a plan export carries its author's signature over the plan (version 2 did not); minutes are
 * signed over their text and each signer's device comes with its owner's identity signature, as in 2. A
 * version 2 meeting export is laid out as in 3 and is still verified.
 */
export const EXPORT_VERSION = 3;
/** Domain separation: an export signature can never be mistaken for any other Strongroom signature. */
const SIGNING_CONTEXT = 'strongroom-export:v1\n';

/** A person as the export names them: ids for the case system, names for the reader. */
export interface ExportPerson {
  userId: string;
  displayName: string;
  agencyName: string | null;
}

/**
 * A signature a device made over a record's text (the chair's over the final minutes, an amendment
 * author's, a plan version's author's), re-checkable offline: it covers the hash of the text (recomputed
 * from the text in the export) and the sealed bytes.
 */
export interface ExportTextProof {
  deviceId: string;
  /** The signer's Ed25519 public key as the exporting device pinned it. */
  publicKey: string;
  /** BLAKE2b-256 of the text's canonical JSON (docs/protocol.md, "Signed records"), base64url. */
  textHash: string;
  /** The sealed text that was signed (still encrypted: the export holds no key that opens it). */
  ciphertext: string;
  signature: string;
}

/**
 * A device that signed something in the export, with what ties it to a person: its owner's identity key
 * and that key's signature over the device (protocol v2 cross-signing), so a verifier who holds the
 * person's identity key (pinned, or given) can tell the device is theirs, offline. The identity is null
 * when the exporting device did not trust it when exporting; the device then stands on its own key.
 */
export interface ExportSigner {
  userId: string;
  deviceId: string;
  x25519PublicKey: string;
  ed25519PublicKey: string;
  identityPublicKey: string | null;
  identitySignature: string | null;
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
    proof: ExportTextProof;
  };
  /**
   * The text an amendment's signature covers is the entry without `number`, `author`, `createdAt` and
   * `proof`: `{ text, reason }` as every Strongroom client writes it.
   */
  amendments: {
    number: number;
    author: ExportPerson;
    createdAt: string;
    text: string;
    reason: string;
    proof: ExportTextProof;
  }[];
  entries: { agendaItem: string; kind: string; text: string; author: ExportPerson; createdAt: string }[];
  actions: ExportAction[];
}

export interface FamilyPlanRecord {
  family: { id: string; ref: string; channelId: string; leadWorker: ExportPerson };
  members: { memberId: string; memberRef: string; role: string; covered: boolean }[];
  plan: {
    version: number;
    reviewOn: string;
    reviewOverdue: boolean;
    savedAt: string;
    author: ExportPerson;
    /** The plan document exactly as written (usually `{ objectives: [...], familyVoice }`). */
    document: unknown;
    /** The members the plan covers, as its author signed them. */
    coveredMemberIds: string[];
    /** The author's device signature over the document, review date and covered members (docs/protocol.md). */
    proof: ExportTextProof;
  };
  progress: { objective: string; kind: string; text: string; author: ExportPerson; createdAt: string }[];
  actions: ExportAction[];
}

interface ExportBase<K extends string, R> {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION | 2;
  kind: K;
  exportId: string;
  exportedAt: string;
  /** The server the record came from (for the reader; the signature does not depend on it). */
  source: string;
  exportedBy: ExportPerson & { agencyId: string; deviceId: string; publicKey: string };
  /** Every device that signed something here (the exporter's, the chair's, amendment authors'), by device id. */
  signers: ExportSigner[];
  record: R;
}

/** A version 2 meeting export, laid out as in version 3: what `verifyExport` still accepts. */
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

/**
 * Keys a verifier already holds for people, from outside the export: the pins of their own computer
 * (identity keys and devices seen, and their own identity), or keys they were given. Each says how it
 * came to be trusted, in words, for the report.
 */
export interface TrustAnchors {
  identities?: { userId: string; identityPublicKey: string; how: string }[];
  devices?: { deviceId: string; userId: string; ed25519PublicKey: string; how: string }[];
  /** Keys given without a person (`--key`, a list in `--trust`): a device's Ed25519 key or an identity key. */
  keys?: { key: string; how: string }[];
}

/** One signature in the export: who made it, with which device, and whether a key the verifier holds vouches for it. */
export interface ExportSignerReport {
  /** What they signed, in words: "exported the record", "signed the final minutes as chair", "wrote amendment 1". */
  role: string;
  person: ExportPerson | null;
  deviceId: string;
  ed25519PublicKey: string;
  /** The fingerprint of the device's key alone. */
  deviceFingerprint: string | null;
  /** The owner's identity key, when the export carries a valid identity signature over the device. */
  identityPublicKey: string | null;
  /** The safety number of that identity key: what `strongroom fingerprint <person>` shows for them. */
  safetyNumber: string | null;
  /** How a key the verifier holds vouches for this device, in words; null when none does. */
  anchor: string | null;
  /** A key the verifier holds that contradicts this device (another identity pinned for the person…). */
  conflict: string | null;
}

/**
 * `valid`: every check passed (the document is internally consistent and unedited). `anchored`: valid,
 * and every signer is vouched for by a key from outside the document. Only then does the export prove
 * who made it; a valid but unanchored export proves nothing until its fingerprints are compared.
 */
export interface ExportVerification {
  valid: boolean;
  anchored: boolean;
  status: 'anchored' | 'not_anchored' | 'invalid';
  kind: string | null;
  exportedBy: SignedExport['exportedBy'] | null;
  /** Safety number of the exporting device's key alone, to compare with the exporter out of band. */
  deviceFingerprint: string | null;
  checks: ExportCheck[];
  signers: ExportSignerReport[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Recomputes `status` and `anchored` after checks were added (an HTML page's own check, say). */
export function settleVerification(result: ExportVerification): ExportVerification {
  result.valid = result.checks.every((c) => c.ok) && result.checks.length > 0;
  result.anchored = result.valid && result.signers.length > 0 && result.signers.every((s) => s.anchor !== null);
  result.status = !result.valid ? 'invalid' : result.anchored ? 'anchored' : 'not_anchored';
  return result;
}

/**
 * Checks an export offline: its format, the exporting device's signature over everything in it, each
 * signer device's identity signature, and that the text is what its author signed: for a meeting, the
 * minutes the chair signed and each amendment its author's; for a plan, the plan, review date and
 * covered members its author signed. Then, with `anchors`, whether each signer is
 * vouched for by a key the verifier already holds. Never throws on a malformed document: it reports
 * what failed.
 */
export async function verifyExport(doc: unknown, anchors: TrustAnchors = {}): Promise<ExportVerification> {
  const checks: ExportCheck[] = [];
  const fail = (check: string): ExportVerification => ({
    valid: false,
    anchored: false,
    status: 'invalid',
    kind: null,
    exportedBy: null,
    deviceFingerprint: null,
    checks: [...checks, { check, ok: false }],
    signers: [],
  });
  if (!isObject(doc) || doc.format !== EXPORT_FORMAT) return fail(`is a ${EXPORT_FORMAT} document`);
  if (doc.version !== EXPORT_VERSION && !(doc.version === 2 && doc.kind === 'meeting')) {
    return fail(`is format version ${EXPORT_VERSION} (or a meeting in version 2)`);
  }
  const signed = doc as unknown as SignedExport;
  const by = signed.exportedBy;
  if (!isObject(by) || typeof by.publicKey !== 'string' || !isObject(signed.signature)) {
    return fail('names its exporting device and carries a signature');
  }
  if (signed.signature.algorithm !== 'ed25519' || typeof signed.signature.value !== 'string') {
    return fail('is signed with Ed25519');
  }
  if (!Array.isArray(signed.signers) || !signed.signers.every(wellFormedSigner)) {
    return fail('lists the devices that signed it');
  }
  checks.push({
    check: `signed by device ${by.deviceId} of ${by.displayName} (${by.agencyName})`,
    ok: await verifyDetached(exportSigningBytes(signed), signed.signature.value, by.publicKey),
  });
  const devices = new Map<string, ExportSigner>();
  for (const d of signed.signers) {
    if (devices.has(d.deviceId)) {
      checks.push({ check: `device ${d.deviceId} is listed once among the signers`, ok: false });
      continue;
    }
    devices.set(d.deviceId, d);
    if (d.identityPublicKey !== null || d.identitySignature !== null) {
      checks.push({
        check: `device ${d.deviceId} is approved by its owner’s identity key`,
        ok: await deviceSignatureValid(d.identityPublicKey ?? '', d, d.identitySignature),
      });
    }
  }
  const signatures: { role: string; person: unknown; deviceId: unknown; publicKey: unknown }[] = [
    { role: 'exported the record', person: by, deviceId: by.deviceId, publicKey: by.publicKey },
  ];
  if (signed.kind === 'meeting') checks.push(...(await minutesChecks(signed.record, signatures)));
  if (signed.kind === 'family-plan') checks.push(...(await planChecks(signed.record, signatures)));
  const reports: ExportSignerReport[] = [];
  for (const sig of signatures) {
    const person = isObject(sig.person) ? (sig.person as unknown as ExportPerson) : null;
    const device = typeof sig.deviceId === 'string' ? devices.get(sig.deviceId) : undefined;
    checks.push({
      check: `the device that ${sig.role} is listed among the signers, as ${person?.displayName ?? 'nobody named'}’s`,
      ok: !!device && !!person && device.userId === person.userId && device.ed25519PublicKey === sig.publicKey,
    });
    if (device) reports.push(await signerReport(sig.role, person, device, anchors));
  }
  let deviceFingerprint: string | null = null;
  try {
    deviceFingerprint = await fingerprint([by.publicKey]);
  } catch {
    checks.push({ check: 'the exporting device key is a well-formed Ed25519 key', ok: false });
  }
  return settleVerification({
    valid: false,
    anchored: false,
    status: 'invalid',
    kind: signed.kind,
    exportedBy: by,
    deviceFingerprint,
    checks,
    signers: reports,
  });
}

const isKey = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9_-]{43}$/.test(v);

function wellFormedSigner(v: unknown): v is ExportSigner {
  return (
    isObject(v) &&
    typeof v.userId === 'string' &&
    typeof v.deviceId === 'string' &&
    isKey(v.x25519PublicKey) &&
    isKey(v.ed25519PublicKey) &&
    (v.identityPublicKey === null || isKey(v.identityPublicKey)) &&
    (v.identitySignature === null || typeof v.identitySignature === 'string')
  );
}

/** Who signed, the fingerprints to compare, and whether a key the verifier holds vouches for the device. */
async function signerReport(
  role: string,
  person: ExportPerson | null,
  d: ExportSigner,
  anchors: TrustAnchors,
): Promise<ExportSignerReport> {
  const identity =
    d.identityPublicKey && (await deviceSignatureValid(d.identityPublicKey, d, d.identitySignature))
      ? d.identityPublicKey
      : null;
  const vouches: string[] = [];
  const conflicts: string[] = [];
  for (const pin of anchors.devices ?? []) {
    if (pin.deviceId !== d.deviceId) continue;
    if (pin.userId === d.userId && pin.ed25519PublicKey === d.ed25519PublicKey) vouches.push(pin.how);
    else conflicts.push(`${pin.how} with other keys or for someone else`);
  }
  for (const pin of anchors.identities ?? []) {
    if (pin.userId !== d.userId) continue;
    if (identity && pin.identityPublicKey === identity) vouches.push(pin.how);
    else if (identity) conflicts.push(`another identity key: ${pin.how}`);
  }
  for (const given of anchors.keys ?? []) {
    if (given.key === d.ed25519PublicKey) vouches.push(`its device key ${given.how}`);
    else if (identity && given.key === identity) vouches.push(`its owner’s identity key ${given.how}`);
  }
  let deviceFingerprint: string | null = null;
  let safety: string | null = null;
  try {
    deviceFingerprint = await fingerprint([d.ed25519PublicKey]);
    if (identity) safety = await safetyNumber(identity);
  } catch {
    // A malformed key: its signature checks have already failed.
  }
  return {
    role,
    person,
    deviceId: d.deviceId,
    ed25519PublicKey: d.ed25519PublicKey,
    deviceFingerprint,
    identityPublicKey: identity,
    safetyNumber: safety,
    anchor: conflicts.length || !vouches.length ? null : vouches.join('; '),
    conflict: conflicts.length ? conflicts.join('; ') : null,
  };
}

/** The text an amendment's signature covers: its entry without what the export adds around it. */
export function amendmentDocument(a: MeetingRecord['amendments'][number]): Record<string, unknown> {
  const { number: _n, author: _a, createdAt: _c, proof: _p, ...document } = a;
  return document;
}

async function minutesChecks(
  record: MeetingRecord,
  signatures: { role: string; person: unknown; deviceId: unknown; publicKey: unknown }[],
): Promise<ExportCheck[]> {
  const out: ExportCheck[] = [];
  const proof = async (what: 'final' | 'amendment', number: number, p: ExportTextProof) =>
    isObject(p) && verifyMinutes(record.meeting.id, what, number, p.textHash, p.ciphertext, p.signature, p.publicKey);
  const sameText = async (document: unknown, p: ExportTextProof) =>
    isObject(p) && (await minutesTextHash(document)) === p.textHash;
  try {
    const m = record.minutes;
    out.push({
      check: `the final minutes (version ${m.version}) are the text the chair signed`,
      ok: await sameText(m.document, m.proof),
    });
    out.push({
      check: `final minutes (version ${m.version}) signed by the chair’s device ${m.proof.deviceId}`,
      ok: m.signedBy.userId === record.meeting.chair.userId && (await proof('final', m.version, m.proof)),
    });
    signatures.push({
      role: 'signed the final minutes as chair',
      person: record.meeting.chair,
      deviceId: m.proof.deviceId,
      publicKey: m.proof.publicKey,
    });
    for (const a of record.amendments) {
      out.push({
        check: `amendment ${a.number} is the text its author signed`,
        ok: await sameText(amendmentDocument(a), a.proof),
      });
      out.push({
        check: `amendment ${a.number} signed by its author’s device ${a.proof.deviceId}`,
        ok: await proof('amendment', a.number, a.proof),
      });
      signatures.push({
        role: `wrote amendment ${a.number}`,
        person: a.author,
        deviceId: a.proof.deviceId,
        publicKey: a.proof.publicKey,
      });
    }
  } catch {
    out.push({ check: 'the minutes’ signatures are well-formed', ok: false });
  }
  return out;
}

async function planChecks(
  record: FamilyPlanRecord,
  signatures: { role: string; person: unknown; deviceId: unknown; publicKey: unknown }[],
): Promise<ExportCheck[]> {
  try {
    const { plan, family, members } = record;
    const p = plan.proof;
    const covered = new Set(plan.coveredMemberIds);
    signatures.push({
      role: `saved version ${plan.version} of the plan`,
      person: plan.author,
      deviceId: p.deviceId,
      publicKey: p.publicKey,
    });
    return [
      {
        check: `the plan (version ${plan.version}), its review date and the members it covers are what its author signed`,
        ok:
          (await planTextHash({
            document: plan.document,
            reviewOn: plan.reviewOn,
            coveredMemberIds: plan.coveredMemberIds,
          })) === p.textHash,
      },
      {
        check: `version ${plan.version} of the plan signed by its author’s device ${p.deviceId}`,
        ok: await verifyPlan(family.id, plan.version, p.textHash, p.ciphertext, p.signature, p.publicKey),
      },
      {
        check: 'the family members shown as covered are the ones the author signed',
        ok:
          members.every((m) => m.covered === covered.has(m.memberId)) &&
          [...covered].every((id) => members.some((m) => m.memberId === id)),
      },
    ];
  } catch {
    return [{ check: 'the plan’s signature is well-formed', ok: false }];
  }
}
