import { StrongroomApiError } from '../../client/sdk/index.js';

/** Expects a call to be refused with this status and code, and returns the error for more checks. */
export async function refused(p: Promise<unknown>, status: number, code: string): Promise<StrongroomApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StrongroomApiError);
  expect({ status: (err as StrongroomApiError).status, code: (err as StrongroomApiError).code }).toEqual({
    status,
    code,
  });
  return err as StrongroomApiError;
}

/** The per-field problems of a validation refusal (`details.fields`). */
export const fieldsOf = (err: StrongroomApiError): Record<string, string[]> =>
  (err.details as { fields?: Record<string, string[]> } | undefined)?.fields ?? {};
