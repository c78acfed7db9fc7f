import { z } from 'zod';
import { flag, pattern, positiveInt } from '../config/fields.js';
import { httpRequestShape, statusList } from './check.js';

export const kind = 'http';

export const schema = z.object({
  ...httpRequestShape,
  body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
  expect: z
    .strictObject({
      status: statusList([200]),
      latencyMs: positiveInt().optional(),
      body: z
        .strictObject({
          contains: z.union([z.string(), z.array(z.string())]).optional(),
          matches: pattern().optional(),
          json: z
            .array(z.strictObject({ path: z.string().startsWith('$'), equals: z.unknown().optional(), exists: flag().optional() }))
            .optional(),
        })
        .optional(),
      /** Response headers that must be present; a non-empty value must appear in the header. */
      headers: z.record(z.string(), z.string()).optional(),
    })
    .prefault({}),
});
