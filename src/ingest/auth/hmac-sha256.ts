import { z } from 'zod';
import { duration } from '../../config/duration.js';
import { secret } from '../../config/secret.js';

export const type = 'hmac-sha256';

export const schema = z.object({
  header: z.string().min(1),
  secret: secret(),
  /** Text before the digest in the header, such as `sha256=` (GitHub). */
  prefix: z.string().default(''),
  encoding: z.enum(['hex', 'base64']).default('hex'),
  /** When set, the signed text is `<timestamp>.<body>` and the timestamp must be within `tolerance`. */
  timestampHeader: z.string().optional(),
  tolerance: duration().prefault('5m'),
});
