import { consentGiverRefusal, consentScopeRefusal, todayOf } from './consent.rules.js';

const TODAY = '2026-06-01';
const competence = {
  assessedBy: '00000000-0000-4000-8000-000000000001',
  assessedOn: '2026-05-30',
  rationale: { epoch: 1, ciphertext: 'x' },
};
const fieldsOf = (e: { details?: Record<string, unknown> } | null) => Object.keys((e?.details?.fields as object) ?? {});

describe('consentGiverRefusal: who gives or refuses consent for a member', () => {
  it('an adult decides for themself', () => {
    expect(consentGiverRefusal('parent', { givenBy: 'self' }, TODAY)).toBeNull();
    expect(fieldsOf(consentGiverRefusal('carer', { givenBy: 'parent' }, TODAY))).toEqual(['givenBy']);
  });

  it('a child decides through a parent or carer, or themself with a competence judgement', () => {
    expect(consentGiverRefusal('child', { givenBy: 'parent' }, TODAY)).toBeNull();
    expect(consentGiverRefusal('child', { givenBy: 'self', competence }, TODAY)).toBeNull();
    expect(fieldsOf(consentGiverRefusal('child', { givenBy: 'self' }, TODAY))).toEqual(['competence']);
  });

  it('a competence judgement belongs only to a child deciding themself', () => {
    expect(fieldsOf(consentGiverRefusal('child', { givenBy: 'carer', competence }, TODAY))).toEqual(['competence']);
    expect(fieldsOf(consentGiverRefusal('parent', { givenBy: 'self', competence }, TODAY))).toEqual(['competence']);
  });

  it('a competence judgement is not dated in the future', () => {
    const later = { ...competence, assessedOn: '2026-06-02' };
    expect(fieldsOf(consentGiverRefusal('child', { givenBy: 'self', competence: later }, TODAY))).toEqual([
      'competence.assessedOn',
    ]);
    expect(
      consentGiverRefusal('child', { givenBy: 'self', competence: { ...competence, assessedOn: TODAY } }, TODAY),
    ).toBeNull();
  });

  it('checks the giver before the judgement', () => {
    const e = consentGiverRefusal(
      'other',
      { givenBy: 'carer', competence: { ...competence, assessedOn: '2999-01-01' } },
      TODAY,
    );
    expect(fieldsOf(e)).toEqual(['givenBy']);
  });
});

describe('consentScopeRefusal: which agencies a decision covers', () => {
  it('consent to record names no agencies', () => {
    expect(consentScopeRefusal({ kind: 'record', status: 'given' }, [])).toBeNull();
    expect(fieldsOf(consentScopeRefusal({ kind: 'record', status: 'given' }, ['a']))).toEqual(['agencyIds']);
  });

  it('consent to share, when given, names at least one agency', () => {
    expect(fieldsOf(consentScopeRefusal({ kind: 'share', status: 'given' }, []))).toEqual(['agencyIds']);
    expect(consentScopeRefusal({ kind: 'share', status: 'given' }, ['a'])).toBeNull();
    expect(consentScopeRefusal({ kind: 'share', status: 'withdrawn' }, [])).toBeNull();
    expect(consentScopeRefusal({ kind: 'share', status: 'refused' }, [])).toBeNull();
  });
});

describe('todayOf', () => {
  it('is the UTC date', () => {
    expect(todayOf(new Date('2026-06-01T23:30:00-02:00'))).toBe('2026-06-02');
  });
});
