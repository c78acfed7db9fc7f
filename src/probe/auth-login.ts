import { z } from 'zod';
import { duration } from '../config/duration.js';
import { positiveInt } from '../config/fields.js';
import { secret } from '../config/secret.js';
import { readJsonPath } from '../json-path.js';
import { httpRequestShape, statusList } from './check.js';
import { exchange, headerValue, type Exchange } from './http-exchange.js';
import type { CheckOf } from './index.js';
import { answered, describeStatuses, failedExchange, forbiddenBodyFindings, latencyExceeded, statusMatches } from './response-checks.js';
import type { ProbeContext, ProbeResult } from './types.js';

export const kind = 'auth-login';

export const schema = z.object({
  ...httpRequestShape,
  method: httpRequestShape.method.unwrap().default('POST'),
  credentials: z.strictObject({ username: secret(), password: secret() }),
  /** Request body with `{{username}}` and `{{password}}` placeholders; default `{"username":…,"password":…}`. */
  bodyTemplate: z.string().optional(),
  contentType: z.enum(['json', 'form']).default('json'),
  expect: z
    .strictObject({
      status: statusList([200]),
      latencyMs: positiveInt().optional(),
      /** Where the token is: a JSON path into the body (`$.token`) or `header:<name>`. */
      tokenPath: z.string().regex(/^(\$.*|header:.+)$/, 'a JSON path such as $.token, or header:<name>').optional(),
    })
    .prefault({}),
  /** Also try a deliberately wrong password at this slower interval; it must be refused. */
  wrongPassword: z
    .strictObject({ interval: duration({ min: 10_000 }).prefault('10m'), status: statusList([400, 401, 403]) })
    .optional(),
});

type LoginCheck = CheckOf<typeof import('./auth-login.js')>;

export const WRONG_PASSWORD = 'wrong-password';

/** The wrong-password attempt runs on its own, slower schedule. */
export function extraSchedules(check: LoginCheck): { name: string; interval: number }[] {
  return check.wrongPassword ? [{ name: WRONG_PASSWORD, interval: check.wrongPassword.interval }] : [];
}

/**
 * Logs in with the probe account. Neither the credentials nor the token ever appear in a result: messages say
 * "token present", not what it is.
 */
export async function probe(check: LoginCheck, ctx: ProbeContext): Promise<ProbeResult> {
  if (ctx.schedule === WRONG_PASSWORD) return probeWrongPassword(check, ctx);
  const ex = await login(check, check.credentials.password.reveal(), ctx);
  if (ex.error) return failedExchange(ex, 'login');
  const findings = forbiddenBodyFindings(ex, check.forbiddenBody);
  if (!statusMatches(ex.status, check.expect.status)) {
    return answered(ex, { ok: false, error: 'status', assertion: `login answered ${ex.status}, expected ${describeStatuses(check.expect.status)}`, message: `login failed: HTTP ${ex.status}`, findings });
  }
  const failed = latencyExceeded(ex, check.expect.latencyMs) ?? tokenAssertion(ex, check.expect.tokenPath);
  if (failed) return answered(ex, { ok: false, error: 'assertion', assertion: failed, message: `login: ${failed}`, findings });
  const token = check.expect.tokenPath ? ', token present' : '';
  return answered(ex, { message: `login HTTP ${ex.status} in ${Math.round(ex.timings.totalMs)} ms${token}`, findings });
}

async function probeWrongPassword(check: LoginCheck, ctx: ProbeContext): Promise<ProbeResult> {
  const expected = check.wrongPassword!.status;
  const wrong = `picket-wrong-${check.credentials.password.length}-${Date.now().toString(36)}`;
  const ex = await login(check, wrong, ctx);
  if (ex.error) return failedExchange(ex, 'wrong-password login');
  if (ex.status !== undefined && ex.status >= 200 && ex.status < 300) {
    return answered(ex, {
      message: `a wrong password was accepted (HTTP ${ex.status})`,
      findings: [{ key: 'auth_bypass:wrong-password', class: 'misconfig.auth_bypass', severity: 'critical', message: `login accepted a wrong password (HTTP ${ex.status})` }],
    });
  }
  if (!statusMatches(ex.status, expected)) {
    return answered(ex, { ok: false, error: 'status', assertion: `wrong password answered ${ex.status}, expected ${describeStatuses(expected)}`, message: `wrong password: HTTP ${ex.status}` });
  }
  return answered(ex, { message: `wrong password refused (HTTP ${ex.status})` });
}

function login(check: LoginCheck, password: string, ctx: ProbeContext): Promise<Exchange> {
  const username = check.credentials.username.reveal();
  const form = check.contentType === 'form';
  const encode = form ? encodeURIComponent : (s: string) => JSON.stringify(s).slice(1, -1);
  const body = check.bodyTemplate
    ? check.bodyTemplate.replaceAll('{{username}}', encode(username)).replaceAll('{{password}}', encode(password))
    : form
      ? new URLSearchParams({ username, password }).toString()
      : JSON.stringify({ username, password });
  const headers = { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json', ...check.headers };
  return exchange({ url: check.url, method: check.method, headers, body, timeoutMs: check.timeout, options: check }, ctx);
}

function tokenAssertion(ex: Exchange, tokenPath: string | undefined): string | undefined {
  if (!tokenPath) return undefined;
  if (tokenPath.startsWith('header:')) {
    const name = tokenPath.slice('header:'.length);
    return headerValue(ex.headers, name) ? undefined : `no token in header ${name}`;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(ex.body.toString('utf8'));
  } catch {
    return `no token: body is not JSON`;
  }
  const token = readJsonPath(doc, tokenPath);
  return typeof token === 'string' && token.length > 0 ? undefined : `no token at ${tokenPath}`;
}
