import { ERROR_CODES, ROTATE_AND_RETRY_CODES } from '../../../contracts/errors.js';
import { StrongroomApiError } from '../transport/http.js';
import { isRotateAndRetry } from './errors.js';

describe('isRotateAndRetry: which refusals make the SDK open a newer epoch and try again', () => {
  it.each(ROTATE_AND_RETRY_CODES)('a 409 %s is one', (code) => {
    expect(isRotateAndRetry(new StrongroomApiError(409, code, 'refused'))).toBe(true);
  });

  it('no other server code is one', () => {
    const others = ERROR_CODES.filter((c) => !(ROTATE_AND_RETRY_CODES as readonly string[]).includes(c));
    expect(others.length).toBe(ERROR_CODES.length - ROTATE_AND_RETRY_CODES.length);
    for (const code of others) expect(isRotateAndRetry(new StrongroomApiError(409, code, 'refused'))).toBe(false);
    expect(isRotateAndRetry(new StrongroomApiError(502, 'http_error', 'proxy'))).toBe(false);
  });

  it('an error that is not a server refusal is not one, even with a matching code', () => {
    expect(isRotateAndRetry(Object.assign(new Error('x'), { code: 'epoch_stale' }))).toBe(false);
    expect(isRotateAndRetry('epoch_stale')).toBe(false);
    expect(isRotateAndRetry(undefined)).toBe(false);
  });
});
