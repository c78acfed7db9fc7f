import { z } from 'zod';
import { duration } from '../../config/duration.js';
import { secret } from '../../config/secret.js';

export const kind = 'slack';

export const schema = z.object({
  /** Incoming-webhook URL; its path is the credential, so it is a secret. */
  url: secret(),
  timeout: duration().prefault('10s'),
  /** Messages per second Slack accepts for one incoming webhook. */
  ratePerSecond: z.number().positive().default(1),
});
