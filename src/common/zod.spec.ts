import { z } from 'zod';
import { AppError } from './app-error.js';
import { parseOrThrow } from './zod.js';

const refusal = (fn: () => unknown): AppError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
};

describe('parseOrThrow', () => {
  const schema = z.strictObject({ name: z.string(), tags: z.array(z.string()).optional() });

  it('names an unknown field under its own name', () => {
    const err = refusal(() => parseOrThrow(schema, { name: 'a', colour: 'red' }));
    expect(err).toMatchObject({ status: 400, code: 'validation_failed' });
    expect(err.details).toEqual({ fields: { colour: ['is not an accepted field'] } });
  });

  it('names a path parameter after itself rather than "(body)"', () => {
    const err = refusal(() => parseOrThrow(z.uuid({ message: 'must be a UUID' }), 'nope', 'path parameter', 'id'));
    expect(err.details).toEqual({ fields: { id: ['must be a UUID'] } });
  });

  it('refuses a NUL character anywhere, naming the field, before the database ever sees it', () => {
    const err = refusal(() => parseOrThrow(schema, { name: 'a\u0000b', tags: ['ok', 'x\u0000'] }));
    expect(err.details).toEqual({
      fields: { name: ['must not contain the NUL character'], 'tags.1': ['must not contain the NUL character'] },
    });
  });

  it('copes with a body nested far deeper than the call stack', () => {
    let deep: unknown = 'leaf\u0000';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const started = Date.now();
    const err = refusal(() => parseOrThrow(schema, { name: 'a', tags: deep }));
    expect(Object.keys((err.details as { fields: object }).fields)[0]).toMatch(/^tags(\.0)+$/);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('parseOrThrow with hostile keys', () => {
  it('reports an unknown `__proto__` field as a field, not a crash', () => {
    const body = JSON.parse('{"__proto__": {"admin": true}, "name": "a"}') as unknown;
    const err = refusal(() => parseOrThrow(z.strictObject({ name: z.string() }), body));
    expect(Object.keys((err.details as { fields: object }).fields)).toEqual(['__proto__']);
  });
});
