import { AppError } from '../common/app-error.js';
import { basisFor, restrictionOf, sharingRefusal, withdrawnFor, type SharingState } from './sharing.rules.js';

const LEAD = 'agency-lead';
const POLICE = 'agency-police';
const SCHOOL = 'agency-school';

const state = (over: Partial<SharingState> = {}): SharingState => ({
  familyRef: 'EH-2026-0001',
  leadAgencyId: LEAD,
  members: [
    { ref: 'EH-2026-0001-M1', share: { status: 'given', agencyIds: [POLICE] } },
    { ref: 'EH-2026-0001-M2', share: { status: 'given', agencyIds: [POLICE, SCHOOL] } },
  ],
  lawful: new Map(),
  ...over,
});

describe('basisFor: who may share a family’s information', () => {
  it('the lead worker’s agency always may, whatever the register says', () => {
    expect(basisFor(state({ members: [{ ref: 'M1', share: { status: 'withdrawn', agencyIds: [] } }] }), LEAD)).toBe(
      'lead_agency',
    );
  });

  it('an agency with a lawful basis may, even where consent does not cover it', () => {
    expect(basisFor(state({ lawful: new Map([['agency-x', 'basis-1']]) }), 'agency-x')).toBe('lawful_basis');
  });

  it('consent covers an agency only when every member gave consent naming it', () => {
    expect(basisFor(state(), POLICE)).toBe('consent');
    expect(basisFor(state(), SCHOOL)).toBeNull();
  });

  it('a member with no decision, refused or withdrawn consent leaves the agency without a basis', () => {
    for (const share of [null, { status: 'refused' as const, agencyIds: [POLICE] }]) {
      const s = state({ members: [...state().members, { ref: 'M3', share }] });
      expect(basisFor(s, POLICE)).toBeNull();
    }
  });

  it('a family with no members gives no one consent', () => {
    expect(basisFor(state({ members: [] }), POLICE)).toBeNull();
  });
});

describe('refusals and restrictions', () => {
  const withdrawn = state({
    members: [
      { ref: 'EH-2026-0001-M1', share: { status: 'withdrawn', agencyIds: [] } },
      { ref: 'EH-2026-0001-M2', share: { status: 'given', agencyIds: [POLICE] } },
    ],
  });

  it('names the members whose consent was withdrawn', () => {
    expect(withdrawnFor(withdrawn)).toEqual(['EH-2026-0001-M1']);
    expect(withdrawnFor(state())).toEqual([]);
  });

  it('refuses with consent_withdrawn when consent was withdrawn, no_sharing_basis otherwise', () => {
    const a = sharingRefusal(withdrawn, POLICE);
    expect(a).toBeInstanceOf(AppError);
    expect([a.status, a.code, a.details]).toEqual([
      403,
      'consent_withdrawn',
      { familyRef: 'EH-2026-0001', agencyId: POLICE, withdrawnFor: ['EH-2026-0001-M1'] },
    ]);
    const b = sharingRefusal(state(), SCHOOL);
    expect([b.status, b.code]).toEqual([403, 'no_sharing_basis']);
  });

  it('restricts new content to the lead agency and agencies with a lawful basis once consent is withdrawn', () => {
    expect(restrictionOf(state())).toBeNull();
    expect(restrictionOf(withdrawn)).toEqual({
      reason: 'consent_withdrawn',
      message: expect.stringContaining('EH-2026-0001-M1') as string,
      agencyIds: [LEAD],
    });
    const r = restrictionOf({ ...withdrawn, lawful: new Map([[SCHOOL, 'basis-1']]) });
    expect(r?.agencyIds).toEqual([LEAD, SCHOOL]);
    expect(r?.message).toContain('agencies with a recorded lawful basis');
  });
});
