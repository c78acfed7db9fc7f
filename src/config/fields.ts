import { z } from 'zod';
import { parseJsonPath } from '../json-path.js';

/** Accepts a number, or digits in a string (what `${PORT}` interpolation produces). */
function numeric<T extends z.ZodNumber>(inner: T) {
  return z.preprocess((v) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v), inner);
}

/** A TCP port; 0 (listen only) means any free port. */
export const port = () => numeric(z.number().int().min(0).max(65535));

export const positiveInt = (max = Number.MAX_SAFE_INTEGER) => numeric(z.number().int().positive().max(max));

export const nonNegativeInt = (max = Number.MAX_SAFE_INTEGER) => numeric(z.number().int().nonnegative().max(max));

export const flag = () =>
  z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());

export const httpUrl = () =>
  z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });

export const httpStatus = () => z.number().int().min(100).max(599);

/** A regular expression written as a string; checked to compile so a typo fails at load, not at probe time. */
export const pattern = () =>
  z.string().superRefine((source, ctx) => {
    try {
      new RegExp(source);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(err as Error).message}` });
    }
  });

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** `512KiB`, `1MiB`, `5MB` or a number of bytes. */
export const byteSize = () =>
  z
    .union([z.number().int().positive(), z.string().meta({ pattern: '^\\d+(\\.\\d+)?\\s*(B|KB|MB|GB|KiB|MiB|GiB)$' })])
    .transform((value, ctx) => {
      if (typeof value === 'number') return value;
      const m = /^(\d+(?:\.\d+)?)\s*([KMG]i?B|B)$/i.exec(value.trim());
      if (!m) {
        ctx.addIssue({ code: 'custom', message: `expected a size such as 512KiB, 1MiB or 5MB, got "${value}"` });
        return z.NEVER;
      }
      return Math.round(Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]!);
    });

/** A list that may also be written as a single item. */
export const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([item, z.array(item)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

/** A JSON path of the subset picket reads (`$.a.b[0]['c d']`), checked at load time. */
export const jsonPath = () =>
  z.string().refine((p) => parseJsonPath(p) !== null, { message: "expected a JSON path such as $.token or $.data[0]['id']" });
