import { z } from 'zod';
import { httpRequestShape, statusList } from './check.js';
import { exchange } from './http-exchange.js';
import type { CheckOf } from './index.js';
import { answered, describeStatuses, failedExchange, forbiddenBodyFindings, statusMatches } from './response-checks.js';
import type { Finding, ProbeContext, ProbeResult } from './types.js';

export const kind = 'auth-guard';

export const GUARD_VARIANTS = ['none', 'malformed', 'alg-none'] as const;
type Variant = (typeof GUARD_VARIANTS)[number];

export const schema = z.object({
  ...httpRequestShape,
  expect: z.strictObject({ status: statusList([401, 403]) }).prefault({}),
  /** Which unauthenticated requests to send: no credentials, a malformed bearer token, an unsigned JWT. */
  variants: z.array(z.enum(GUARD_VARIANTS)).min(1).default([...GUARD_VARIANTS]),
});

type GuardCheck = CheckOf<typeof import('./auth-guard.js')>;

const VARIANT_NAMES: Record<Variant, string> = {
  none: 'request without credentials',
  malformed: 'malformed bearer token',
  'alg-none': 'alg:none token',
};

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An unsigned JWT (`alg: none`) claiming an admin subject; a server that accepts it checks no signatures. */
function algNoneToken(now: number): string {
  const iat = Math.floor(now / 1000);
  return `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ sub: 'picket-probe', role: 'admin', admin: true, iat, exp: iat + 300 })}.`;
}

function variantHeaders(variant: Variant): Record<string, string> {
  if (variant === 'malformed') return { authorization: 'Bearer picket.malformed.token' };
  if (variant === 'alg-none') return { authorization: `Bearer ${algNoneToken(Date.now())}` };
  return {};
}

/**
 * Sends each unauthenticated variant; each must be refused. A 2xx is a critical auth-bypass finding naming the
 * variant that got through; any other unexpected status fails the check.
 */
export async function probe(check: GuardCheck, ctx: ProbeContext): Promise<ProbeResult> {
  const findings: Finding[] = [];
  let first: ProbeResult | undefined;
  let failure: ProbeResult | undefined;
  for (const variant of check.variants) {
    // Whatever the check's headers say, a guard probe carries no credentials of its own.
    const base = Object.fromEntries(Object.entries(check.headers).filter(([k]) => !/^(authorization|cookie)$/i.test(k)));
    const ex = await exchange({ url: check.url, method: check.method, headers: { ...base, ...variantHeaders(variant) }, timeoutMs: check.timeout, options: check }, ctx);
    if (ex.error) return failedExchange(ex, VARIANT_NAMES[variant]);
    first ??= answered(ex, { message: '' });
    findings.push(...forbiddenBodyFindings(ex, check.forbiddenBody).filter((f) => !findings.some((g) => g.key === f.key)));
    if (ex.status! >= 200 && ex.status! < 300) {
      findings.push({ key: `auth_bypass:${variant}`, class: 'misconfig.auth_bypass', severity: 'critical', message: `${VARIANT_NAMES[variant]} accepted (HTTP ${ex.status})` });
    } else if (!statusMatches(ex.status, check.expect.status) && !failure) {
      const assertion = `${VARIANT_NAMES[variant]} answered ${ex.status}, expected ${describeStatuses(check.expect.status)}`;
      failure = answered(ex, { ok: false, error: 'status', assertion, message: assertion });
    }
  }
  const bypass = findings.filter((f) => f.class === 'misconfig.auth_bypass');
  if (failure) return { ...failure, findings };
  const message = bypass.length > 0 ? bypass.map((f) => f.message).join('; ') : `all ${check.variants.length} unauthenticated requests refused (HTTP ${first!.status})`;
  return { ...first!, message, findings };
}
