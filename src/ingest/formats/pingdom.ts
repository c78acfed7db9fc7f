import { z } from 'zod';

export const format = 'pingdom';

export const options = z.object({});
