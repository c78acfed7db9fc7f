import { z } from 'zod';
import { duration } from '../config/duration.js';
import { byteSize, flag, nonNegativeInt, pattern, positiveInt, httpUrl, httpStatus, oneOrMany } from '../config/fields.js';

export const CHECK_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Keys every check has, whatever its kind. */
export const checkBaseShape = {
  id: z.string().regex(CHECK_ID, 'letters, digits, ".", "_" and "-" only, starting with a letter or digit'),
  name: z.string().optional(),
  service: z.string().min(1),
  interval: duration({ min: 1_000 }).prefault('30s'),
  timeout: duration({ min: 50, max: 300_000 }).prefault('5s'),
  failureThreshold: positiveInt().default(2),
  successThreshold: positiveInt().default(2),
  /** Immediate re-runs that must also fail before a failed run counts, so one lost packet does not page. */
  confirmRetries: nonNegativeInt(5).default(1),
  enabled: flag().default(true),
};

/** Keys of every kind that makes an HTTP request. */
export const httpRequestShape = {
  url: httpUrl(),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  headers: z.record(z.string(), z.string()).default({}),
  /** Verify the server certificate (default). Turn off only for a target with a private CA you cannot supply. */
  tlsVerify: flag().default(true),
  /** PEM file with extra trusted CA certificates, relative to the config file. */
  ca: z.string().optional(),
  followRedirects: flag().default(false),
  maxBodyBytes: byteSize().prefault('1MiB'),
  /** Patterns that must never appear in a response body (leaked keys, internal hostnames); a match is critical. */
  forbiddenBody: z.array(pattern()).default([]),
};

export const statusList = (defaults: number[]) => oneOrMany(httpStatus()).default(defaults);

export type CheckBase = z.output<z.ZodObject<typeof checkBaseShape>>;
export type HttpRequestOptions = z.output<z.ZodObject<typeof httpRequestShape>>;
