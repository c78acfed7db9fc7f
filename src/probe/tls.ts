import { z } from 'zod';
import { port, positiveInt } from '../config/fields.js';

export const kind = 'tls';

export const schema = z.object({
  host: z.string().min(1),
  port: port().default(443),
  /** SNI and the name the certificate must match; default `host`. */
  servername: z.string().optional(),
  warnDays: positiveInt().default(30),
  critDays: positiveInt().default(7),
  minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
  /** PEM file with extra trusted CA certificates, relative to the config file. */
  ca: z.string().optional(),
});
