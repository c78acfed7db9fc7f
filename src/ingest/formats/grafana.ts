import { z } from 'zod';

export const format = 'grafana';

export const options = z.object({});
