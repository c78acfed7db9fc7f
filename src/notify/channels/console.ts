import { z } from 'zod';

export const kind = 'console';

export const schema = z.object({});
