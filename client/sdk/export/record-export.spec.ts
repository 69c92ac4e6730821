import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generateDeviceKeys, type DeviceKeys } from '../crypto/device-keys.js';
import { identityFromSeed, newIdentitySeed, safetyNumber, signDevice, type IdentityKeys } from '../crypto/identity.js';
import { minutesTextHash, signMinutes } from '../crypto/minutes.js';
import { sodium, toB64 } from '../crypto/sodium.js';
import { exportFromHtml, renderExportHtml, verifyExportText } from './html.js';
import {
  exportSigningBytes,
  signExport,
  verifyExport,
  type ExportSigner,
  type MeetingExport,
  type SignedExport,
  type TrustAnchors,
} from './record-export.js';

type MeetingDoc = SignedExport & { kind: 'meeting' };

/** A person with an identity key and one device it approved, as protocol v2 makes them. */
interface Member {
  userId: string;
  deviceId: string;
  identity: IdentityKeys;
  device: DeviceKeys;
}

async function member(userId: string, deviceId: string): Promise<Member> {
  return {
    userId,
    deviceId,
    identity: await identityFromSeed(await newIdentitySeed()),
    device: await generateDeviceKeys(),
  };
}

async function signerOf(m: Member): Promise<ExportSigner> {
  const d = {
    userId: m.userId,
    deviceId: m.deviceId,
    x25519PublicKey: m.device.x25519.publicKey,
    ed25519PublicKey: m.device.ed25519.publicKey,
  };
  return { ...d, identityPublicKey: m.identity.publicKey, identitySignature: await signDevice(m.identity, d) };
}

const meetingId = '6d0a3f5e-4c1b-4c8e-9a57-3f0d2b1e9c11';

/** Signs the minutes and the amendment in `doc` as `chair`, over the text the document shows. */
async function signMinutesAs(doc: MeetingExport, chair: Member): Promise<void> {
  const m = doc.record.minutes;
  m.proof.deviceId = chair.deviceId;
  m.proof.publicKey = chair.device.ed25519.publicKey;
  m.proof.textHash = await minutesTextHash(m.document);
  m.proof.signature = await signMinutes(
    meetingId,
    'final',
    m.version,
    m.proof.textHash,
    m.proof.ciphertext,
    chair.device.ed25519.privateKey,
  );
  for (const a of doc.record.amendments) {
    a.proof.deviceId = chair.deviceId;
    a.proof.publicKey = chair.device.ed25519.publicKey;
    a.proof.textHash = await minutesTextHash({ text: a.text, reason: a.reason });
    a.proof.signature = await signMinutes(
      meetingId,
      'amendment',
      a.number,
      a.proof.textHash,
      a.proof.ciphertext,
      chair.device.ed25519.privateKey,
    );
  }
}

/** Re-signs a whole export as `exporter` (the document's `exportedBy` keys and signer list updated). */
async function resign(doc: MeetingDoc | MeetingExport, exporter: Member, others: Member[]): Promise<MeetingDoc> {
  const { signature: _drop, ...unsigned } = doc as MeetingDoc;
  unsigned.exportedBy = {
    ...unsigned.exportedBy,
    deviceId: exporter.deviceId,
    publicKey: exporter.device.ed25519.publicKey,
  };
  const all = new Map([exporter, ...others].map((p) => [p.deviceId, p]));
  unsigned.signers = await Promise.all([...all.values()].map(signerOf));
  return (await signExport(unsigned, exporter.device.ed25519.privateKey)) as MeetingDoc;
}

/** A meeting export as the SDK builds it, with real chair and exporter keys, and hostile text in it. */
async function fixture() {
  const s = await sodium();
  const chair = await member('u-chair', 'd-chair');
  const exporter = await member('u-exp', 'd-exp');
  const chairPerson = { userId: 'u-chair', displayName: 'Chris Chair', agencyName: 'Council' };
  const proof = (ciphertext: string) => ({ deviceId: '', publicKey: '', textHash: '', ciphertext, signature: '' });
  const doc: MeetingExport = {
    format: 'strongroom-record-export',
    version: 2,
    kind: 'meeting',
    exportId: 'e1',
    exportedAt: '2026-11-25T10:00:00.000Z',
    source: 'https://strongroom.example',
    exportedBy: {
      userId: 'u-exp',
      displayName: 'Pat Police',
      agencyName: 'Police',
      agencyId: 'a-pol',
      deviceId: '',
      publicKey: '',
    },
    signers: [],
    record: {
      meeting: {
        id: meetingId,
        kind: 'family',
        channelId: 'c1',
        familyRef: 'EH-2026-0001',
        status: 'closed',
        scheduledAt: '2026-11-24T10:00:00.000Z',
        startedAt: '2026-11-24T10:02:00.000Z',
        closedAt: '2026-11-24T11:00:00.000Z',
        place: 'Family Hub <room 2> & "annex"',
        chair: chairPerson,
        minuteTaker: null,
      },
      agenda: [{ id: '1', title: 'Plan review' }],
      attendance: [{ ...chairPerson, agencyId: 'a-council', attendance: 'present' }],
      familyAttendance: [{ memberRef: 'EH-2026-0001-M1', present: true }],
      minutes: {
        version: 2,
        document: { sections: [{ item: '1', notes: 'Notes </script><script>alert(1)</script>' }], familyVoice: 'Ok' },
        signedBy: chairPerson,
        proof: proof(toB64(s, s.randombytes_buf(64))),
      },
      amendments: [
        {
          number: 1,
          author: chairPerson,
          createdAt: '2026-11-24T12:00:00.000Z',
          text: 'Fortnightly, not weekly',
          reason: 'Recorded wrongly',
          proof: proof(toB64(s, s.randombytes_buf(48))),
        },
      ],
      entries: [{ agendaItem: '1', kind: 'decision', text: 'Weekly check-ins', author: chairPerson, createdAt: 'x' }],
      actions: [],
    },
  };
  await signMinutesAs(doc, chair);
  const signed = await resign(doc, exporter, [chair]);
  /** What a verifier who met both people (and compared safety numbers with them) holds. */
  const pinnedBoth: TrustAnchors = {
    identities: [chair, exporter].map((p) => ({
      userId: p.userId,
      identityPublicKey: p.identity.publicKey,
      how: 'identity pinned on this computer',
    })),
  };
  return { signed, exporter, chair, pinnedBoth };
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const failed = (r: { checks: { check: string; ok: boolean }[] }) => r.checks.filter((c) => !c.ok).map((c) => c.check);

describe('record export: signed offline-verifiable case-record exports', () => {
  it('verifies a signed export, the text against the chair’s signature and each amendment, as JSON and as HTML', async () => {
    const { signed, pinnedBoth, chair } = await fixture();
    const result = await verifyExport(clone(signed), pinnedBoth);
    expect(failed(result)).toEqual([]);
    expect(result).toMatchObject({ valid: true, anchored: true, status: 'anchored' });
    expect(result.deviceFingerprint).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(result.signers.map((r) => [r.role, r.person?.displayName, r.anchor !== null])).toEqual([
      ['exported the record', 'Pat Police', true],
      ['signed the final minutes as chair', 'Chris Chair', true],
      ['wrote amendment 1', 'Chris Chair', true],
    ]);
    expect(result.signers[1].safetyNumber).toBe(await safetyNumber(chair.identity.publicKey));

    const html = renderExportHtml(signed);
    expect(exportFromHtml(html)).toEqual(signed);
    expect((await verifyExportText(html, pinnedBoth)).status).toBe('anchored');
    expect((await verifyExportText(JSON.stringify(signed), pinnedBoth)).status).toBe('anchored');
    // Hostile text is escaped in the page and cannot end the embedded data early.
    expect(html).not.toContain('<script>alert(1)');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('Family Hub &lt;room 2&gt; &amp; &quot;annex&quot;');
  });

  it('proves nothing about who signed without a key from outside the document: consistent, but not anchored', async () => {
    const { signed } = await fixture();
    const result = await verifyExport(clone(signed));
    expect(failed(result)).toEqual([]);
    expect(result).toMatchObject({ valid: true, anchored: false, status: 'not_anchored' });
    expect(result.signers.every((r) => r.anchor === null && r.safetyNumber !== null)).toBe(true);
  });

  it('fails when anything signed is changed, the signer is swapped, or the chair did not sign the minutes', async () => {
    const { signed, chair, pinnedBoth } = await fixture();
    const edits: ((d: MeetingDoc) => void)[] = [
      (d) => (d.record.entries[0].text = 'Monthly check-ins'),
      (d) => (d.record.attendance[0].attendance = 'absent'),
      (d) => (d.exportedAt = '2026-11-26T10:00:00.000Z'),
      (d) => (d.exportedBy.displayName = 'Someone Else'),
      (d) => (d.exportedBy.publicKey = chair.device.ed25519.publicKey),
      (d) => (d.signature.value = d.signature.value.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))),
      (d) => ((d.record as unknown as Record<string, unknown>).extra = true),
      (d) => (d.signers[0].identitySignature = d.signers[1].identitySignature),
    ];
    for (const edit of edits) {
      const d = clone(signed);
      edit(d);
      expect((await verifyExport(d, pinnedBoth)).status).toBe('invalid');
    }
  });

  it('fails an edited minutes text even with the original ciphertext and signatures kept, and re-signed by a real member', async () => {
    const { signed, exporter, chair, pinnedBoth } = await fixture();
    // The exporter (a real member, with their own real device key) edits the text and re-signs the export.
    const forged = clone(signed);
    forged.record.minutes.document = { sections: [{ item: '1', notes: 'FORGED: no concerns, close the case' }] };
    const resigned = await resign(forged, exporter, [chair]);
    const result = await verifyExport(resigned, pinnedBoth);
    expect(failed(result)).toEqual(['the final minutes (version 2) are the text the chair signed']);
    expect(result.status).toBe('invalid');

    // An amendment's text likewise: the author's signature covers it.
    const amended = clone(signed);
    amended.record.amendments[0].text = 'Monthly, not weekly';
    expect(failed(await verifyExport(await resign(amended, exporter, [chair]), pinnedBoth))).toEqual([
      'amendment 1 is the text its author signed',
    ]);

    // A proof whose hash was replaced with that of the edited text no longer matches the chair's signature.
    const rehashed = clone(forged);
    rehashed.record.minutes.proof.textHash = await minutesTextHash(rehashed.record.minutes.document);
    expect(failed(await verifyExport(await resign(rehashed, exporter, [chair]), pinnedBoth))).toEqual([
      `final minutes (version 2) signed by the chair’s device ${chair.deviceId}`,
    ]);

    // The member signs the edited minutes themselves, as the chair: their device is not the chair's.
    const asChair = clone(forged);
    await signMinutesAs(asChair, exporter);
    const mine = await verifyExport(await resign(asChair, exporter, []), pinnedBoth);
    expect(mine.status).toBe('invalid');
    expect(failed(mine)).toEqual([
      'the device that signed the final minutes as chair is listed among the signers, as Chris Chair’s',
      'the device that wrote amendment 1 is listed among the signers, as Chris Chair’s',
    ]);
  });

  it('does not anchor an export re-signed with brand-new keys, however consistent it is', async () => {
    const { signed, pinnedBoth } = await fixture();
    const forged = clone(signed);
    forged.record.minutes.document = { sections: [{ item: '1', notes: 'FORGED: no concerns, close the case' }] };
    // New keys under the real people's names and ids: every signature in the document checks.
    const fakeChair = await member('u-chair', 'd-chair-2');
    const fakeExporter = await member('u-exp', 'd-exp-2');
    await signMinutesAs(forged, fakeChair);
    const resigned = await resign(forged, fakeExporter, [fakeChair]);
    const result = await verifyExport(resigned, pinnedBoth);
    expect(failed(result)).toEqual([]);
    expect(result).toMatchObject({ valid: true, anchored: false, status: 'not_anchored' });
    expect(result.signers.map((r) => r.anchor)).toEqual([null, null, null]);
    expect(result.signers.every((r) => r.conflict?.startsWith('another identity key'))).toBe(true);

    // Without identity signatures the forger's devices stand on their own keys: still not anchored.
    for (const d of resigned.signers) Object.assign(d, { identityPublicKey: null, identitySignature: null });
    const bare = await verifyExport(await signExport(resigned, fakeExporter.device.ed25519.privateKey), pinnedBoth);
    expect(bare.status).toBe('not_anchored');
  });

  it('anchors a signer by a pinned device, a given device key or identity key, and not by a contradicted one', async () => {
    const { signed, chair, exporter } = await fixture();
    const status = async (anchors: TrustAnchors) => (await verifyExport(clone(signed), anchors)).status;
    const pinnedDevice = (m: Member, userId = m.userId) => ({
      deviceId: m.deviceId,
      userId,
      ed25519PublicKey: m.device.ed25519.publicKey,
      how: 'device pinned on this computer',
    });
    const key = (k: string) => ({ key: k, how: 'given with --key' });
    expect(await status({ devices: [pinnedDevice(chair), pinnedDevice(exporter)] })).toBe('anchored');
    expect(await status({ keys: [key(chair.identity.publicKey), key(exporter.device.ed25519.publicKey)] })).toBe(
      'anchored',
    );
    // Only one of the two people: the other is not vouched for.
    expect(await status({ keys: [key(exporter.identity.publicKey)] })).toBe('not_anchored');
    // A pin that contradicts the document wins over a key that agrees with it.
    expect(
      await status({
        devices: [pinnedDevice(chair, 'u-someone-else')],
        keys: [key(chair.identity.publicKey), key(exporter.identity.publicKey)],
      }),
    ).toBe('not_anchored');
    // An identity pinned for another person does not vouch for this one.
    expect(
      await status({
        identities: [{ userId: 'u-other', identityPublicKey: chair.identity.publicKey, how: 'pinned' }],
        keys: [key(exporter.identity.publicKey)],
      }),
    ).toBe('not_anchored');
  });

  it('fails an HTML page whose visible text was edited, even with the signed JSON intact', async () => {
    const { signed, pinnedBoth } = await fixture();
    const html = renderExportHtml(signed);
    const edited = html.replace('<td>Weekly check-ins</td>', '<td>Monthly check-ins</td>');
    expect(edited).not.toBe(html);
    const result = await verifyExportText(edited, pinnedBoth);
    expect(result.checks.find((c) => c.check.startsWith('the readable page'))?.ok).toBe(false);
    expect(result).toMatchObject({ valid: false, anchored: false, status: 'invalid' });
  });

  it('reports malformed input as not valid instead of throwing', async () => {
    for (const input of [null, 'x', [], {}, { format: 'strongroom-record-export', version: 1 }]) {
      expect((await verifyExport(input)).valid).toBe(false);
    }
    const { signed } = await fixture();
    const broken = clone(signed) as unknown as { record: { minutes: unknown } };
    broken.record.minutes = null;
    expect((await verifyExport(broken)).valid).toBe(false);
    const noSigners = clone(signed) as unknown as { signers: unknown };
    noSigners.signers = [{ deviceId: 'd' }];
    expect((await verifyExport(noSigners)).valid).toBe(false);
    for (const text of [
      '',
      '{not json',
      '<html></html>',
      '<script type="application/json" id="strongroom-record">\n{\n</script>',
    ]) {
      expect((await verifyExportText(text)).valid).toBe(false);
    }
  });
});

describe('export signatures against independent known answers (PyNaCl)', () => {
  /** A version 3 plan export built and signed by test/vectors/protocol_v2_vectors.py from the documents' text. */
  const {
    export: vector,
    identity,
    device,
  } = JSON.parse(readFileSync(path.join(__dirname, '../../../test/vectors/protocol-v2.json'), 'utf8')) as {
    export: { document: SignedExport; signingBytesHex: string };
    identity: { userId: string; publicKey: string };
    device: { ed25519: { privateKey: string } };
  };

  it('signs the same bytes to the same signature, and verifies every check in the document', async () => {
    const { signature, ...unsigned } = vector.document;
    expect(Buffer.from(exportSigningBytes(vector.document)).toString('hex')).toBe(vector.signingBytesHex);
    expect((await signExport(unsigned, device.ed25519.privateKey)).signature).toEqual(signature);
    const result = await verifyExport(clone(vector.document));
    expect(failed(result)).toEqual([]);
    expect(result.status).toBe('not_anchored');
    expect(result.signers.map((r) => r.role)).toEqual(['exported the record', 'saved version 7 of the plan']);
    const anchored = await verifyExport(clone(vector.document), {
      identities: [{ userId: identity.userId, identityPublicKey: identity.publicKey, how: 'given' }],
    });
    expect(anchored.status).toBe('anchored');
  });
});
