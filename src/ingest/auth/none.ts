import { z } from 'zod';

export const type = 'none';

export const schema = z.object({});
