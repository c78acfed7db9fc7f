import { z } from 'zod';
import { duration } from '../config/duration.js';
import { positiveInt } from '../config/fields.js';
import { secret } from '../config/secret.js';
import { httpRequestShape, statusList } from './check.js';

export const kind = 'auth-login';

export const schema = z.object({
  ...httpRequestShape,
  method: httpRequestShape.method.unwrap().default('POST'),
  credentials: z.strictObject({ username: secret(), password: secret() }),
  /** Request body with `{{username}}` and `{{password}}` placeholders; default `{"username":…,"password":…}`. */
  bodyTemplate: z.string().optional(),
  contentType: z.enum(['json', 'form']).default('json'),
  expect: z
    .strictObject({
      status: statusList([200]),
      latencyMs: positiveInt().optional(),
      /** Where the token is: a JSON path into the body (`$.token`) or `header:<name>`. */
      tokenPath: z.string().regex(/^(\$.*|header:.+)$/, 'a JSON path such as $.token, or header:<name>').optional(),
    })
    .prefault({}),
  /** Also try a deliberately wrong password at this slower interval; it must be refused. */
  wrongPassword: z
    .strictObject({ interval: duration({ min: 10_000 }).prefault('10m'), status: statusList([400, 401, 403]) })
    .optional(),
});
