import { z } from 'zod';
import { duration } from '../../config/duration.js';
import { secret } from '../../config/secret.js';

export const type = 'standard-webhooks';

export const schema = z.object({
  /** `whsec_` followed by the base64 key, as the sender shows it. */
  secret: secret(),
  tolerance: duration().prefault('5m'),
});
