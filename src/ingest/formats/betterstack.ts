import { z } from 'zod';

export const format = 'betterstack';

export const options = z.object({});
