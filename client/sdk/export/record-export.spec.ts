import { generateDeviceKeys } from '../crypto/device-keys.js';
import { signMinutes } from '../crypto/minutes.js';
import { sodium, toB64 } from '../crypto/sodium.js';
import { exportFromHtml, renderExportHtml, verifyExportText } from './html.js';
import { signExport, verifyExport, type MeetingExport, type SignedExport } from './record-export.js';

/** A meeting export as the SDK builds it, with real chair and exporter keys, and hostile text in it. */
async function fixture() {
  const s = await sodium();
  const chair = await generateDeviceKeys();
  const exporter = await generateDeviceKeys();
  const meetingId = '6d0a3f5e-4c1b-4c8e-9a57-3f0d2b1e9c11';
  const ciphertext = toB64(s, s.randombytes_buf(64));
  const amendmentCiphertext = toB64(s, s.randombytes_buf(48));
  const chairPerson = { userId: 'u-chair', displayName: 'Chris Chair', agencyName: 'Council' };
  const doc: MeetingExport = {
    format: 'strongroom-record-export',
    version: 1,
    kind: 'meeting',
    exportId: 'e1',
    exportedAt: '2026-11-25T10:00:00.000Z',
    source: 'https://strongroom.example',
    exportedBy: {
      userId: 'u-exp',
      displayName: 'Pat Police',
      agencyName: 'Police',
      agencyId: 'a-pol',
      deviceId: 'd-exp',
      publicKey: exporter.ed25519.publicKey,
    },
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
        proof: {
          deviceId: 'd-chair',
          publicKey: chair.ed25519.publicKey,
          ciphertext,
          signature: await signMinutes(meetingId, 'final', 2, ciphertext, chair.ed25519.privateKey),
        },
      },
      amendments: [
        {
          number: 1,
          author: chairPerson,
          createdAt: '2026-11-24T12:00:00.000Z',
          text: 'Fortnightly, not weekly',
          reason: 'Recorded wrongly',
          proof: {
            deviceId: 'd-chair',
            publicKey: chair.ed25519.publicKey,
            ciphertext: amendmentCiphertext,
            signature: await signMinutes(meetingId, 'amendment', 1, amendmentCiphertext, chair.ed25519.privateKey),
          },
        },
      ],
      entries: [{ agendaItem: '1', kind: 'decision', text: 'Weekly check-ins', author: chairPerson, createdAt: 'x' }],
      actions: [],
    },
  };
  return { signed: await signExport(doc, exporter.ed25519.privateKey), exporter, chair };
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('record export: signed offline-verifiable case-record exports', () => {
  it('verifies a signed export, its chair’s minutes signature and each amendment, as JSON and as HTML', async () => {
    const { signed } = await fixture();
    const result = await verifyExport(clone(signed));
    expect(result.valid).toBe(true);
    expect(result.checks.map((c) => c.ok)).toEqual([true, true, true]);
    expect(result.deviceFingerprint).toMatch(/^(\d{5} ){11}\d{5}$/);

    const html = renderExportHtml(signed);
    expect(exportFromHtml(html)).toEqual(signed);
    expect((await verifyExportText(html)).valid).toBe(true);
    expect((await verifyExportText(JSON.stringify(signed))).valid).toBe(true);
    // Hostile text is escaped in the page and cannot end the embedded data early.
    expect(html).not.toContain('<script>alert(1)');
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('Family Hub &lt;room 2&gt; &amp; &quot;annex&quot;');
  });

  it('fails when anything signed is changed, the signer is swapped, or the chair did not sign the minutes', async () => {
    const { signed, chair } = await fixture();
    const edits: ((d: SignedExport & { kind: 'meeting' }) => void)[] = [
      (d) => (d.record.entries[0].text = 'Monthly check-ins'),
      (d) => (d.record.attendance[0].attendance = 'absent'),
      (d) => (d.exportedAt = '2026-11-26T10:00:00.000Z'),
      (d) => (d.exportedBy.displayName = 'Someone Else'),
      (d) => (d.exportedBy.publicKey = chair.ed25519.publicKey),
      (d) => (d.signature.value = d.signature.value.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))),
      (d) => ((d.record as unknown as Record<string, unknown>).extra = true),
    ];
    for (const edit of edits) {
      const d = clone(signed) as SignedExport & { kind: 'meeting' };
      edit(d);
      expect((await verifyExport(d)).valid).toBe(false);
    }
    // The exporter re-signing a forged minutes text still cannot forge the chair's signature over it.
    const { exporter } = await fixture();
    const forged = clone(signed) as SignedExport & { kind: 'meeting' };
    forged.exportedBy.publicKey = exporter.ed25519.publicKey;
    forged.record.minutes.proof.ciphertext = forged.record.amendments[0].proof.ciphertext;
    const { signature: _drop, ...unsigned } = forged;
    const resigned = await signExport(unsigned, exporter.ed25519.privateKey);
    const result = await verifyExport(resigned);
    expect(result.checks[0].ok).toBe(true);
    expect(result.checks[1].ok).toBe(false);
    expect(result.valid).toBe(false);
  });

  it('fails an HTML page whose visible text was edited, even with the signed JSON intact', async () => {
    const { signed } = await fixture();
    const html = renderExportHtml(signed);
    const edited = html.replace('<td>Weekly check-ins</td>', '<td>Monthly check-ins</td>');
    expect(edited).not.toBe(html);
    const result = await verifyExportText(edited);
    expect(result.checks.find((c) => c.check.startsWith('the readable page'))?.ok).toBe(false);
    expect(result.valid).toBe(false);
  });

  it('reports malformed input as not valid instead of throwing', async () => {
    for (const input of [null, 'x', [], {}, { format: 'strongroom-record-export', version: 2 }]) {
      expect((await verifyExport(input)).valid).toBe(false);
    }
    const { signed } = await fixture();
    const broken = clone(signed) as unknown as { record: { minutes: unknown } };
    broken.record.minutes = null;
    expect((await verifyExport(broken)).valid).toBe(false);
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
