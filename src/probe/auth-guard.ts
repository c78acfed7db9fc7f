import { z } from 'zod';
import { httpRequestShape, statusList } from './check.js';

export const kind = 'auth-guard';

export const GUARD_VARIANTS = ['none', 'malformed', 'alg-none'] as const;

export const schema = z.object({
  ...httpRequestShape,
  expect: z.strictObject({ status: statusList([401, 403]) }).prefault({}),
  /** Which unauthenticated requests to send: no credentials, a malformed bearer token, an unsigned JWT. */
  variants: z.array(z.enum(GUARD_VARIANTS)).min(1).default([...GUARD_VARIANTS]),
});
