import { z } from 'zod';
import { duration } from '../../config/duration.js';
import { httpUrl } from '../../config/fields.js';
import { secret } from '../../config/secret.js';

export const kind = 'webhook';

export const schema = z.object({
  url: httpUrl(),
  /** Signs each delivery with the Standard Webhooks headers; `whsec_…` or any text. */
  secret: secret().optional(),
  timeout: duration().prefault('10s'),
  ratePerSecond: z.number().positive().default(10),
});
