import { z } from 'zod';
import { checksFileSchema, picketFileSchema } from './schema.js';

function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  return rest;
}

/** JSON Schema of picket.yaml, generated from the same zod schemas that validate it. */
export function picketJsonSchema(): Record<string, unknown> {
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...toJsonSchema(picketFileSchema) };
}

/** JSON Schema of a checks/*.yaml file. */
export function checksJsonSchema(): Record<string, unknown> {
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...toJsonSchema(checksFileSchema) };
}

/** One schema that accepts either file kind: picket.yaml is a mapping, a check file is a list. */
export function combinedJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'picket configuration files',
    description: 'picket.yaml (a mapping) or a checks/*.yaml file (a list of checks)',
    anyOf: [{ $ref: '#/$defs/picket' }, { $ref: '#/$defs/checks' }],
    $defs: { picket: toJsonSchema(picketFileSchema), checks: toJsonSchema(checksFileSchema) },
  };
}
