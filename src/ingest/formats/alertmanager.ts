import { z } from 'zod';

export const format = 'alertmanager';

export const options = z.object({});
