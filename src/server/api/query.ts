import { HttpError } from '../../http-error.js';

/** An integer query parameter within bounds; a malformed one is a 400 that says which and why. */
export function intParam(value: unknown, name: string, opts: { min: number; max: number; fallback?: number }): number | undefined {
  if (value === undefined || value === '') return opts.fallback;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < opts.min || n > opts.max) {
    throw new HttpError(400, 'bad_request', `${name} must be an integer from ${opts.min} to ${opts.max}`);
  }
  return n;
}

export function textParam(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
