import { randomUUID } from 'node:crypto';
import { planTextHash, signPlan } from '../client/sdk/crypto/plan.js';
import {
  MemoryTrustStore,
  newObjectiveId,
  RecordExporter,
  SecureSession,
  signExport,
  verifyExport,
  type SignedExport,
  type StoredDevice,
} from '../client/sdk/index.js';
import type { FamilyView } from '../contracts/families.js';
import { refused } from './support/refused.js';
import { approvedDevice, secureSession } from './support/secure.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { World, type Person } from './support/world.js';

type PlanExport = Extract<SignedExport, { kind: 'family-plan' }>;

/**
 * Plan versions are signed when saved (issue 11): the saving device signs the plan's text with its review
 * date and the members it covers. The server takes only a signature by the author's own device over what
 * it stores; a reader and an export check it, so a database writer who changes the coverage or the review
 * date, or passes one person's version off as another's, is seen.
 */
describe('whole-family plan versions signed by their author', () => {
  let t: TestApp;
  let lead: Person;
  let officer: Person;
  let leadS: SecureSession;
  let officerS: SecureSession;
  let family: FamilyView;
  let lost: StoredDevice;
  const opened: SecureSession[] = [];
  const plan = (objective: string) => ({ objectives: [{ id: newObjectiveId(), objective }] });

  beforeAll(async () => {
    t = await startTestApp();
    const w = new World(t);
    await w.agreement();
    const council = await w.agency('Council');
    lead = await w.person(council, 'practitioner', 'lead');
    officer = await w.person(council, 'practitioner', 'officer');
    leadS = await secureSession(lead.client, 'lead laptop', t);
    officerS = await secureSession(officer.client, 'officer laptop', t);
    // A laptop of the lead's, lost and revoked before the family's case began.
    lost = await approvedDevice(lead.client, 'lost laptop');
    await lead.client.stepUp({ password: lead.password });
    await lead.client.revokeDevice(lost.deviceId, 'lost');
    const f = await lead.client.createFamily();
    await lead.client.addMember(f.channelId, { userId: officer.id });
    for (const role of ['child', 'parent'] as const) {
      const id = randomUUID();
      await leadS.sealedWrite(async () =>
        lead.client.addFamilyMember(f.id, {
          id,
          role,
          details: await leadS.sealField(f.channelId, 'family-member', { name: role }, { recordId: id }),
        }),
      );
    }
    family = await lead.client.family(f.id);
  });
  afterAll(async () => {
    for (const s of [leadS, officerS, ...opened]) s?.close();
    await t.close();
  });

  /** A fresh reader (nothing cached) as the officer. */
  const reader = () => {
    const s = new SecureSession(officer.client, officerS.device, new MemoryTrustStore(), () => t.clock.now());
    opened.push(s);
    return s;
  };
  const latest = async () => (await officer.client.familyPlan(family.id)).plan!;

  it('refuses a version not signed by the author’s own device over exactly what is stored', async () => {
    const [child, parent] = family.members;
    const reviewOn = '2027-03-01';
    const document = plan('Sam at school every day');
    const coveredMemberIds = [child.id];
    const sealed = await leadS.sealField(family.channelId, 'family-plan', document, {
      recordId: family.id,
      version: 1,
    });
    const textHash = await planTextHash({ document, reviewOn, coveredMemberIds });
    const key = leadS.device.keys.ed25519.privateKey;
    const body = { baseVersion: 0, plan: sealed, reviewOn, coveredMemberIds, textHash, deviceId: leadS.deviceId };

    // Unsigned: the shape is refused before anything else.
    await refused(
      lead.client.saveFamilyPlan(family.id, { ...body, signature: undefined as never }),
      400,
      'validation_failed',
    );
    // Signed for another version, another family, or other sealed bytes.
    for (const signature of [
      await signPlan(family.id, 2, textHash, sealed.ciphertext, key),
      await signPlan(randomUUID(), 1, textHash, sealed.ciphertext, key),
      await signPlan(family.id, 1, textHash, Buffer.from('other bytes').toString('base64url'), key),
    ]) {
      await refused(lead.client.saveFamilyPlan(family.id, { ...body, signature }), 400, 'invalid_signature');
    }
    // A valid signature sent with another text hash (the server keeps the hash every reader checks).
    const otherHash = await planTextHash({ document, reviewOn, coveredMemberIds: [child.id, parent.id] });
    await refused(
      lead.client.saveFamilyPlan(family.id, {
        ...body,
        textHash: otherHash,
        signature: await signPlan(family.id, 1, textHash, sealed.ciphertext, key),
      }),
      400,
      'invalid_signature',
    );
    // Someone else's device, even with a signature it made: the author signs with their own.
    await refused(
      lead.client.saveFamilyPlan(family.id, {
        ...body,
        deviceId: officerS.deviceId,
        signature: await signPlan(family.id, 1, textHash, sealed.ciphertext, officerS.device.keys.ed25519.privateKey),
      }),
      403,
      'not_your_device',
    );
    // A device of the lead's that was revoked (a lost laptop) signs nothing any more.
    await refused(
      lead.client.saveFamilyPlan(family.id, {
        ...body,
        deviceId: lost.deviceId,
        signature: await signPlan(family.id, 1, textHash, sealed.ciphertext, lost.keys.ed25519.privateKey),
      }),
      403,
      'not_your_device',
    );
    expect((await officer.client.familyPlan(family.id)).plan).toBeNull();

    await lead.client.saveFamilyPlan(family.id, {
      ...body,
      signature: await signPlan(family.id, 1, textHash, sealed.ciphertext, key),
    });
    const read = await reader().readPlan(family, await latest());
    expect(read).toMatchObject({ version: 1, document, warning: null, proof: { deviceId: leadS.deviceId, textHash } });
  });

  it('flags a version whose coverage, review date, author or signature was changed in the database', async () => {
    await leadS.savePlan(family, {
      baseVersion: 1,
      document: plan('Sam feels safe at home'),
      reviewOn: '2027-04-01',
      coveredMemberIds: family.members.map((m) => m.id),
    });
    expect((await reader().readPlan(family, await latest())).warning).toBeNull();
    const changed =
      'The review date or the family members this plan covers were changed on the server after its author signed it.';
    const notSigned = 'This version of the plan is not signed by its author’s device: it was changed on the server.';
    const cases: [string, string, unknown[], string][] = [
      ['covered_member_ids = covered_member_ids[1:1]', 'a member dropped from the plan', [], changed],
      ["review_on = '2029-01-01'", 'the review put back by two years', [], changed],
      ['author_id = $2', 'the officer named as author', [officer.id], notSigned],
      ["signature = overlay(signature placing '\\x00'::bytea from 1 for 1)", 'the signature altered', [], notSigned],
      [
        'device_id = NULL, signature = NULL, text_hash = NULL',
        'the signature removed',
        [],
        'saved before plans were signed',
      ],
    ];
    const { rows } = await t.sql('SELECT * FROM family_plan_versions WHERE family_id = $1 AND version = 2', [
      family.id,
    ]);
    const saved = rows[0] as Record<string, unknown>;
    for (const [set, what, params, warning] of cases) {
      await t.sql(`UPDATE family_plan_versions SET ${set} WHERE family_id = $1 AND version = 2`, [
        family.id,
        ...params,
      ]);
      const read = await reader().readPlan(family, await latest());
      expect({ what, flagged: read.warning?.includes(warning), proof: read.proof }).toEqual({
        what,
        flagged: true,
        proof: null,
      });
      // Put it back for the next case.
      await t.sql(
        `UPDATE family_plan_versions SET covered_member_ids = $2, review_on = $3, author_id = $4, signature = $5,
                device_id = $6, text_hash = $7 WHERE family_id = $1 AND version = 2`,
        [
          family.id,
          ...['covered_member_ids', 'review_on', 'author_id', 'signature', 'device_id', 'text_hash'].map(
            (c) => saved[c],
          ),
        ],
      );
    }
    expect((await reader().readPlan(family, await latest())).warning).toBeNull();
  });

  it('exports the plan with its author’s signature, which an offline verifier checks against the text', async () => {
    const doc = (await new RecordExporter(officerS).familyPlan(family.id)) as PlanExport;
    expect(doc.kind).toBe('family-plan');
    const lead = await leadS.deviceKeys(leadS.deviceId);
    const anchors = {
      devices: [lead, await officerS.deviceKeys(officerS.deviceId)].map((d) => ({ ...d, how: 'pinned' })),
    };
    const ok = await verifyExport(doc, anchors);
    expect(ok.checks.filter((c) => !c.ok)).toEqual([]);
    expect(ok.status).toBe('anchored');
    expect(ok.signers.map((s) => s.role)).toEqual(['exported the record', 'saved version 2 of the plan']);

    // Edited to show one member fewer covered, a later review, or another text, then re-signed by the
    // exporter's own real key: the export is consistent, but the plan is not what its author signed.
    const edits: [(d: PlanExport) => void, string][] = [
      [
        (d) => (d.record.members[1].covered = false),
        'the family members shown as covered are the ones the author signed',
      ],
      [
        (d) => (d.record.plan.reviewOn = '2029-01-01'),
        'its review date and the members it covers are what its author signed',
      ],
      [
        (d) => (d.record.plan.coveredMemberIds = d.record.plan.coveredMemberIds.slice(1)),
        'its review date and the members it covers are what its author signed',
      ],
      [
        (d) => ((d.record.plan.document as { familyVoice?: string }).familyVoice = 'No concerns: close the case'),
        'its review date and the members it covers are what its author signed',
      ],
    ];
    for (const [edit, check] of edits) {
      const { signature: _old, ...d } = JSON.parse(JSON.stringify(doc)) as PlanExport;
      edit(d as PlanExport);
      const r = await verifyExport(await signExport(d, officerS.device.keys.ed25519.privateKey), anchors);
      expect(r.status).toBe('invalid');
      expect(r.checks.filter((c) => !c.ok).map((c) => c.check)).toContainEqual(expect.stringContaining(check));
      // Only the plan's own checks fail: the rest of the document is consistent.
      expect(r.checks.filter((c) => !c.ok && !/plan|covered/.test(c.check))).toEqual([]);
    }
  });
});
