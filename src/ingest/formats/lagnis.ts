import { z } from 'zod';

export const format = 'lagnis';

export const options = z.object({});
