import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { flag } from '../config/fields.js';
import { httpRequestShape } from './check.js';
import { exchange, headerValue, type Exchange } from './http-exchange.js';
import type { CheckOf } from './index.js';
import { answered, failedExchange, forbiddenBodyFindings } from './response-checks.js';
import type { Finding, ProbeContext, ProbeResult } from './types.js';

export const kind = 'headers';

export const schema = z.object({
  ...httpRequestShape,
  require: z
    .strictObject({
      hsts: flag().default(true),
      noSniff: flag().default(true),
      framePolicy: flag().default(true),
      /** `Cache-Control: no-store`, for endpoints that answer with personal data or tokens. */
      noStore: flag().default(false),
    })
    .prefault({}),
  /** Send a foreign `Origin`; reflecting it with credentials allowed is critical. `false` skips the probe. */
  cors: z.union([z.literal(false), z.strictObject({ origin: z.string().default('https://picket-cors-probe.invalid') })]).prefault({}),
  /** Request a path that cannot exist and look for stack traces or framework error pages. */
  verboseErrors: flag().default(true),
  /** `Server` and `X-Powered-By` must not carry version numbers. */
  versionDisclosure: flag().default(true),
});

type HeadersCheck = CheckOf<typeof import('./headers.js')>;

/** Stack traces and framework debug pages, by the text they always carry. */
const VERBOSE_ERROR_PAGES: [RegExp, string][] = [
  [/\n\s+at [\w$.<>]+ \((?:file:\/\/)?\/[^)]*:\d+:\d+\)/, 'a Node.js stack trace'],
  [/Traceback \(most recent call last\)/, 'a Python traceback'],
  [/You're seeing this error because you have <code>DEBUG = True<\/code>/, 'the Django debug page'],
  [/Werkzeug Debugger|werkzeug\.debug/, 'the Werkzeug debugger'],
  [/\bat [\w$.]+\([\w$]+\.java:\d+\)|java\.lang\.[A-Za-z]+(Exception|Error)/, 'a Java stack trace'],
  [/Whitelabel Error Page/, 'the Spring Boot error page'],
  [/Server Error in '\/' Application|System\.Web\.HttpException/, 'the ASP.NET error page'],
  [/Action Controller: Exception caught/, 'the Rails exception page'],
  [/Whoops! There was an error|Illuminate\\[A-Za-z\\]+Exception/, 'the Laravel error page'],
  [/(?:Fatal error|Warning|Parse error): .* in \/[^\s]+ on line \d+/, 'a PHP error with file paths'],
  [/<pre>\s*(?:Error|TypeError|ReferenceError): [^<]*\n\s+at /, 'the Express error page with a stack trace'],
];

const VERSION = /\d+\.\d+/;

/**
 * Response hygiene of one URL: security headers (warnings), CORS with a foreign origin (critical when it is
 * reflected with credentials), verbose error pages and version disclosure (warnings).
 */
export async function probe(check: HeadersCheck, ctx: ProbeContext): Promise<ProbeResult> {
  const origin = check.cors === false ? undefined : check.cors.origin;
  const headers = origin ? { ...check.headers, origin } : check.headers;
  const ex = await exchange({ url: check.url, method: check.method, headers, timeoutMs: check.timeout, options: check }, ctx);
  if (ex.error) return failedExchange(ex);
  const findings = [...forbiddenBodyFindings(ex, check.forbiddenBody), ...headerFindings(ex, check)];
  if (origin) findings.push(...corsFindings(ex, origin));
  if (check.versionDisclosure) findings.push(...versionFindings(ex));
  if (check.verboseErrors) {
    const missing = new URL(`/picket-probe-${randomBytes(6).toString('hex')}/does-not-exist`, check.url).toString();
    const errEx = await exchange({ url: missing, method: 'GET', headers: check.headers, timeoutMs: check.timeout, options: check }, ctx);
    if (!errEx.error) {
      const text = errEx.body.toString('utf8');
      const page = VERBOSE_ERROR_PAGES.find(([re]) => re.test(text));
      if (page) findings.push({ key: 'headers:verbose_errors', class: 'misconfig.headers', severity: 'warning', message: `a request for a missing path answered with ${page[1]} (HTTP ${errEx.status})` });
    }
  }
  const ok = ex.status! < 500;
  const summary = findings.length === 0 ? 'all required headers present' : findings.map((f) => f.message).join('; ');
  return answered(ex, {
    ok,
    error: ok ? undefined : 'status',
    assertion: ok ? undefined : `HTTP ${ex.status}`,
    message: `HTTP ${ex.status}: ${summary}`,
    findings,
  });
}

function headerFindings(ex: Exchange, check: HeadersCheck): Finding[] {
  const out: Finding[] = [];
  const missing = (key: string, message: string) => out.push({ key: `headers:${key}`, class: 'misconfig.headers', severity: 'warning', message });
  if (check.require.hsts && check.url.startsWith('https:')) {
    const hsts = headerValue(ex.headers, 'strict-transport-security');
    if (!hsts) missing('hsts', 'Strict-Transport-Security is missing');
    else if (!/max-age=\s*[1-9]\d*/i.test(hsts)) missing('hsts', `Strict-Transport-Security has no positive max-age ("${hsts.slice(0, 80)}")`);
  }
  if (check.require.noSniff && headerValue(ex.headers, 'x-content-type-options')?.toLowerCase().trim() !== 'nosniff') {
    missing('nosniff', 'X-Content-Type-Options: nosniff is missing');
  }
  if (check.require.framePolicy) {
    const xfo = headerValue(ex.headers, 'x-frame-options');
    const csp = headerValue(ex.headers, 'content-security-policy');
    if (!xfo && !(csp && /frame-ancestors/i.test(csp))) missing('frame_policy', 'no frame policy (X-Frame-Options or CSP frame-ancestors)');
  }
  if (check.require.noStore && !/no-store/i.test(headerValue(ex.headers, 'cache-control') ?? '')) {
    missing('no_store', 'Cache-Control: no-store is missing on an authenticated endpoint');
  }
  return out;
}

function corsFindings(ex: Exchange, origin: string): Finding[] {
  const allowed = headerValue(ex.headers, 'access-control-allow-origin')?.trim();
  const credentials = headerValue(ex.headers, 'access-control-allow-credentials')?.trim().toLowerCase() === 'true';
  if (allowed !== origin && allowed !== 'null') return [];
  if (credentials) {
    return [{ key: 'cors:reflect_credentials', class: 'misconfig.cors', severity: 'critical', message: `CORS reflects the foreign origin ${allowed === 'null' ? '"null"' : origin} with credentials allowed` }];
  }
  return [{ key: 'cors:reflect', class: 'misconfig.cors', severity: 'warning', message: `CORS reflects the foreign origin ${origin}` }];
}

function versionFindings(ex: Exchange): Finding[] {
  const out: Finding[] = [];
  for (const name of ['server', 'x-powered-by']) {
    const value = headerValue(ex.headers, name);
    if (value && VERSION.test(value)) {
      out.push({ key: `headers:version:${name}`, class: 'misconfig.headers', severity: 'warning', message: `${name === 'server' ? 'Server' : 'X-Powered-By'} discloses a version ("${value.slice(0, 60)}")` });
    }
  }
  return out;
}
