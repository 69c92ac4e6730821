import { type ArgumentMetadata, type PipeTransform, applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import { AppError } from './app-error.js';

/**
 * Turns zod issues into a per-field tree `{ "agency.name": ["Required"] }` that a form can show. `root` names
 * a value that is itself the field (a path parameter). An unknown key is reported under its own name, so
 * the caller sees which field to drop.
 */
export function fieldErrors(error: z.ZodError, root?: string): Record<string, string[]> {
  // A Map, not an object literal: a field may be called `__proto__`.
  const fields = new Map<string, string[]>();
  const add = (path: PropertyKey[], message: string) => {
    const key = [...(root ? [root] : []), ...path.map(String)].join('.') || '(body)';
    fields.set(key, [...(fields.get(key) ?? []), message]);
  };
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) add([...issue.path, k], 'is not an accepted field');
    } else {
      add(issue.path, issue.message);
    }
  }
  return Object.fromEntries(fields);
}

/**
 * PostgreSQL text cannot hold U+0000: such a string would fail at the database as a 500. No field has
 * a use for it, so it is refused at the edge, naming the fields that carry one (the first few). Walks
 * with its own stack and parent links: a deeply nested body, easy to fit in 256 kB, must neither overflow
 * the call stack nor cost time quadratic in its depth.
 */
function nulFields(value: unknown, root?: string, limit = 10): string[] {
  interface Node {
    v: unknown;
    key: string | null;
    parent: Node | null;
  }
  const pathOf = (n: Node): string => {
    const keys: string[] = [];
    for (let at: Node | null = n; at; at = at.parent) if (at.key !== null) keys.push(at.key);
    return keys.reverse().join('.') || '(body)';
  };
  const found: string[] = [];
  const stack: Node[] = [{ v: value, key: root ?? null, parent: null }];
  while (stack.length && found.length < limit) {
    const node = stack.pop()!;
    if (typeof node.v === 'string') {
      if (node.v.includes('\u0000')) found.push(pathOf(node));
    } else if (node.v && typeof node.v === 'object') {
      for (const [key, v] of Object.entries(node.v)) stack.push({ v, key, parent: node });
    }
  }
  return found;
}

export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what = 'request body',
  root?: string,
): z.output<S> {
  const nul = nulFields(value, root);
  if (nul.length) {
    throw new AppError(400, 'validation_failed', `The ${what} is invalid.`, {
      fields: Object.fromEntries(nul.map((f) => [f, ['must not contain the NUL character']])),
    });
  }
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError(400, 'validation_failed', `The ${what} is invalid.`, {
      fields: fieldErrors(result.error, root),
    });
  }
  return result.data;
}

/** Validation at the edge: every controller argument goes through a zod schema. */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly what?: string,
  ) {}
  transform(value: unknown, meta: ArgumentMetadata): z.output<S> {
    const what = this.what ?? (meta.type === 'body' ? 'request body' : meta.type === 'query' ? 'query' : 'address');
    // A path parameter is a field of its own: `@Param('id')` reports its errors under `id`.
    return parseOrThrow(this.schema, value, what, meta.type === 'param' ? meta.data : undefined);
  }
}

export const zodPipe = <S extends z.ZodType>(schema: S, what?: string) => new ZodPipe(schema, what);

/** A UUID path parameter: a malformed id is a 400, not a database error. */
export const uuidParam = zodPipe(z.uuid({ message: 'must be a UUID' }), 'id in the address');

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  // OpenAPI embeds plain schemas: drop the JSON Schema dialect marker.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}

/** A body that must be absent or `{}`: endpoints that take no input still refuse unknown fields. */
export const emptyBodySchema = z.strictObject({}).optional();

/** Documents a zod body schema in OpenAPI. */
export const ApiZodBody = (schema: z.ZodType) => applyDecorators(ApiBody({ schema: jsonSchema(schema) }));

/** Documents zod query parameters in OpenAPI. */
export function ApiZodQuery(schema: z.ZodObject) {
  const props = (jsonSchema(schema).properties ?? {}) as Record<string, Record<string, unknown>>;
  return applyDecorators(...Object.entries(props).map(([name, s]) => ApiQuery({ name, required: false, schema: s })));
}

/**
 * Documents an endpoint in OpenAPI: a one-line summary and the response schema from contracts/. The
 * schema is the same one whose type the service returns and the SDK reads, so the document cannot
 * drift from either. `status` is the success status (200 unless the route says otherwise); pass `null`
 * as the schema for an empty response (204).
 */
export function ApiDoc(summary: string, response: z.ZodType | null, status = response ? 200 : 204) {
  return applyDecorators(
    ApiOperation({ summary }),
    response
      ? status === 200
        ? ApiOkResponse({ schema: responseSchema(response) })
        : ApiResponse({ status, schema: responseSchema(response) })
      : ApiResponse({ status, description: 'No content.' }),
  );
}

function responseSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' });
  return rest;
}
