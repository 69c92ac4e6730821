import { type ArgumentMetadata, type PipeTransform, applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';
import { AppError } from './app-error.js';

/** Turns zod issues into a per-field tree `{ "agency.name": ["Required"] }` that a form can show. */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '(body)';
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what = 'request body'): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new AppError(400, 'validation_failed', `The ${what} is invalid.`, { fields: fieldErrors(result.error) });
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
    const what = this.what ?? (meta.type === 'body' ? 'request body' : meta.type === 'query' ? 'query' : 'path');
    return parseOrThrow(this.schema, value, what);
  }
}

export const zodPipe = <S extends z.ZodType>(schema: S, what?: string) => new ZodPipe(schema, what);

/** A UUID path parameter: a malformed id is a 400, not a database error. */
export const uuidParam = zodPipe(z.uuid({ message: 'must be a UUID' }), 'path parameter');

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  // OpenAPI embeds plain schemas: drop the JSON Schema dialect marker.
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  return rest;
}

/** Documents a zod body schema in OpenAPI. */
export const ApiZodBody = (schema: z.ZodType) => applyDecorators(ApiBody({ schema: jsonSchema(schema) }));

/** Documents zod query parameters in OpenAPI. */
export function ApiZodQuery(schema: z.ZodObject) {
  const props = (jsonSchema(schema).properties ?? {}) as Record<string, Record<string, unknown>>;
  return applyDecorators(...Object.entries(props).map(([name, s]) => ApiQuery({ name, required: false, schema: s })));
}
