import { AppError } from '../common/app-error.js';
import { requireChair, requireMinuter, requireStatus, type MeetingRoles } from './meeting-rules.js';

const meeting = (over: Partial<MeetingRoles> = {}): MeetingRoles => ({
  chair_id: 'chair',
  minute_taker_id: 'minuter',
  status: 'in_progress',
  ...over,
});
const refusal = (f: () => void): Pick<AppError, 'status' | 'code' | 'message'> | null => {
  try {
    f();
    return null;
  } catch (e) {
    const { status, code, message } = e as AppError;
    return { status, code, message };
  }
};

describe('meeting rules', () => {
  it('lets only the chair do chair things', () => {
    expect(refusal(() => requireChair(meeting(), 'chair'))).toBeNull();
    expect(refusal(() => requireChair(meeting(), 'minuter'))).toMatchObject({ status: 403, code: 'chair_only' });
  });

  it('lets the chair and the minute-taker write the minutes, nobody else', () => {
    expect(refusal(() => requireMinuter(meeting(), 'chair'))).toBeNull();
    expect(refusal(() => requireMinuter(meeting(), 'minuter'))).toBeNull();
    expect(refusal(() => requireMinuter(meeting({ minute_taker_id: null }), 'someone'))).toMatchObject({
      status: 403,
      code: 'minute_taker_only',
    });
  });

  it('refuses the wrong status, and says closed minutes need an amendment', () => {
    expect(refusal(() => requireStatus(meeting(), 'in_progress', 'writing minutes'))).toBeNull();
    expect(refusal(() => requireStatus(meeting({ status: 'scheduled' }), 'in_progress', 'writing minutes'))).toEqual({
      status: 409,
      code: 'invalid_status',
      message: 'The meeting is scheduled: writing minutes needs it in progress.',
    });
    expect(refusal(() => requireStatus(meeting({ status: 'closed' }), 'in_progress', 'writing minutes'))).toEqual({
      status: 409,
      code: 'minutes_locked',
      message: 'The meeting is closed and its minutes are locked: writing minutes needs an amendment.',
    });
  });
});
