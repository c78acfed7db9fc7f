import { z } from 'zod';
import { secret } from '../../config/secret.js';

export const type = 'basic';

export const schema = z.object({ username: z.string().min(1), password: secret() });
