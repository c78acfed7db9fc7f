import { z } from 'zod';
import { duration } from '../../config/duration.js';
import { flag, port } from '../../config/fields.js';
import { secret } from '../../config/secret.js';

export const kind = 'email';

export const schema = z.object({
  smtp: z.strictObject({
    host: z.string().min(1),
    port: port().default(587),
    secure: flag().default(false),
    user: z.string().optional(),
    password: secret().optional(),
    /** Accept a self-signed SMTP certificate. */
    tlsVerify: flag().default(true),
  }),
  from: z.string().min(3),
  to: z.array(z.string().min(3)).min(1),
  timeout: duration().prefault('15s'),
  ratePerSecond: z.number().positive().default(5),
});
