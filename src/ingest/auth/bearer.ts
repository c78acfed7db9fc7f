import { z } from 'zod';
import { secret } from '../../config/secret.js';

export const type = 'bearer';

export const schema = z.object({
  token: secret(),
  /** Header that carries the token; default `Authorization` with the `Bearer ` scheme. */
  header: z.string().default('authorization'),
});
