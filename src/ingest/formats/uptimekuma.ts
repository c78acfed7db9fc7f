import { z } from 'zod';

export const format = 'uptimekuma';

export const options = z.object({});
