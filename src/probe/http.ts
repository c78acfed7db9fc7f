import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { flag, jsonPath, pattern, positiveInt } from '../config/fields.js';
import { readJsonPath } from '../json-path.js';
import { httpRequestShape, statusList } from './check.js';
import { exchange, headerValue, type Exchange } from './http-exchange.js';
import type { CheckOf } from './index.js';
import { answered, describeStatuses, failedExchange, forbiddenBodyFindings, latencyExceeded, statusMatches } from './response-checks.js';
import type { ProbeContext, ProbeResult } from './types.js';

export const kind = 'http';

export const schema = z.object({
  ...httpRequestShape,
  body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
  expect: z
    .strictObject({
      status: statusList([200]),
      latencyMs: positiveInt().optional(),
      body: z
        .strictObject({
          contains: z.union([z.string(), z.array(z.string())]).optional(),
          matches: pattern().optional(),
          json: z.array(z.strictObject({ path: jsonPath(), equals: z.unknown().optional(), exists: flag().optional() })).optional(),
        })
        .optional(),
      /** Response headers that must be present; a non-empty value must appear in the header. */
      headers: z.record(z.string(), z.string()).optional(),
    })
    .prefault({}),
});

type HttpCheck = CheckOf<typeof import('./http.js')>;

export async function probe(check: HttpCheck, ctx: ProbeContext): Promise<ProbeResult> {
  const isJson = check.body !== undefined && typeof check.body !== 'string';
  const headers = isJson ? { 'content-type': 'application/json', ...check.headers } : check.headers;
  const body = check.body === undefined ? undefined : isJson ? JSON.stringify(check.body) : (check.body as string);
  const ex = await exchange({ url: check.url, method: check.method, headers, body, timeoutMs: check.timeout, options: check }, ctx);
  if (ex.error) return failedExchange(ex);

  const findings = forbiddenBodyFindings(ex, check.forbiddenBody);
  if (!statusMatches(ex.status, check.expect.status)) {
    return answered(ex, { ok: false, error: 'status', assertion: `status ${ex.status}, expected ${describeStatuses(check.expect.status)}`, message: `HTTP ${ex.status}`, findings });
  }
  const failed = latencyExceeded(ex, check.expect.latencyMs) ?? bodyAssertion(ex, check) ?? headerAssertion(ex, check);
  if (failed) return answered(ex, { ok: false, error: 'assertion', assertion: failed, message: `HTTP ${ex.status}: ${failed}`, findings });
  return answered(ex, { message: `HTTP ${ex.status} in ${Math.round(ex.timings.totalMs)} ms`, findings });
}

function bodyAssertion(ex: Exchange, check: HttpCheck): string | undefined {
  const expect = check.expect.body;
  if (!expect) return undefined;
  const text = ex.body.toString('utf8');
  const cut = ex.truncated ? ` (body cut at ${check.maxBodyBytes} bytes)` : '';
  for (const needle of expect.contains === undefined ? [] : [expect.contains].flat()) {
    if (!text.includes(needle)) return `body does not contain "${needle}"${cut}`;
  }
  if (expect.matches !== undefined && !new RegExp(expect.matches).test(text)) return `body does not match /${expect.matches}/${cut}`;
  if (expect.json) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      return `body is not JSON${cut}`;
    }
    for (const rule of expect.json) {
      const found = readJsonPath(doc, rule.path);
      if (rule.exists === false) {
        if (found !== undefined) return `${rule.path} exists, expected it absent`;
        continue;
      }
      if (found === undefined) return `${rule.path} is missing`;
      if (rule.equals !== undefined && !isDeepStrictEqual(found, rule.equals)) {
        return `${rule.path} is ${JSON.stringify(found)?.slice(0, 80)}, expected ${JSON.stringify(rule.equals)}`;
      }
    }
  }
  return undefined;
}

function headerAssertion(ex: Exchange, check: HttpCheck): string | undefined {
  for (const [name, needle] of Object.entries(check.expect.headers ?? {})) {
    const value = headerValue(ex.headers, name);
    if (value === undefined) return `header ${name} is missing`;
    if (needle !== '' && !value.includes(needle)) return `header ${name} does not contain "${needle}"`;
  }
  return undefined;
}
