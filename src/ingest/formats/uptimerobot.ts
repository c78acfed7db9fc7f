import { z } from 'zod';

export const format = 'uptimerobot';

export const options = z.object({});
