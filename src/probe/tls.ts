import { readFileSync } from 'node:fs';
import path from 'node:path';
import tls, { type PeerCertificate, type TLSSocket } from 'node:tls';
import { z } from 'zod';
import { port, positiveInt } from '../config/fields.js';
import { classify } from './http-exchange.js';
import type { CheckOf } from './index.js';
import type { Finding, ProbeContext, ProbeResult } from './types.js';

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

type TlsCheck = CheckOf<typeof import('./tls.js')>;

const DAY_MS = 86_400_000;
/** Authorization errors that the expiry and hostname checks report with a better message. */
const JUDGED_ELSEWHERE = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID']);
const PROTOCOL_RANK: Record<string, number> = { SSLv3: 0, TLSv1: 1, 'TLSv1.1': 2, 'TLSv1.2': 3, 'TLSv1.3': 4 };

interface Handshake {
  socket?: TLSSocket;
  error?: unknown;
  elapsedMs: number;
  tcpMs?: number;
}

/**
 * Handshakes without rejecting, then judges what it saw: trust, hostname, expiry and protocol each become a
 * `misconfig.tls` finding with the reason. A certificate clients would refuse (expired, untrusted, wrong name)
 * also fails the check, since clients cannot connect; one that merely expires soon does not.
 */
export async function probe(check: TlsCheck, ctx: ProbeContext): Promise<ProbeResult> {
  const servername = check.servername ?? check.host;
  const ca = check.ca ? [...tls.rootCertificates, readFileSync(path.resolve(ctx.configDir, check.ca), 'utf8')] : undefined;
  const hs = await handshake({ host: check.host, port: check.port, servername, ca, rejectUnauthorized: false, minVersion: 'TLSv1' }, check.timeout, ctx.signal);
  const timings = { totalMs: round(hs.elapsedMs), tcpMs: hs.tcpMs, tlsMs: hs.tcpMs === undefined ? undefined : round(hs.elapsedMs - hs.tcpMs) };
  if (!hs.socket) {
    const e = classify(hs.error);
    return { ok: false, error: e.class, message: `handshake: ${e.message}`, timings, findings: [] };
  }
  const socket = hs.socket;
  const cert = socket.getPeerCertificate();
  const protocol = socket.getProtocol() ?? 'unknown';
  const authError = socket.authorizationError ? String(socket.authorizationError) : undefined;
  socket.destroy();

  const findings: Finding[] = [];
  const fatal: string[] = [];
  const now = Date.now();
  const notAfter = Date.parse(cert.valid_to);
  const notBefore = Date.parse(cert.valid_from);
  const daysLeft = Math.floor((notAfter - now) / DAY_MS);
  const raise = (key: string, severity: Finding['severity'], message: string, breaks: boolean) => {
    findings.push({ key, class: 'misconfig.tls', severity, message });
    if (breaks) fatal.push(message);
  };

  if (notAfter <= now) raise('tls:expired', 'critical', `certificate expired ${formatDate(notAfter)}`, true);
  else if (notBefore > now) raise('tls:not_yet_valid', 'critical', `certificate not valid before ${formatDate(notBefore)}`, true);
  else if (daysLeft < check.critDays) raise('tls:expiry', 'critical', `certificate expires in ${daysLeft} days (${formatDate(notAfter)})`, false);
  else if (daysLeft < check.warnDays) raise('tls:expiry', 'warning', `certificate expires in ${daysLeft} days (${formatDate(notAfter)})`, false);

  if (authError && !JUDGED_ELSEWHERE.has(authError)) {
    raise('tls:untrusted', 'critical', `certificate chain not trusted (${authError})`, true);
  }
  const identity = tls.checkServerIdentity(servername, cert as PeerCertificate);
  if (identity) raise('tls:hostname', 'critical', `certificate does not match ${servername} (${identity.message.replace(/^Hostname\/IP does not match certificate's altnames: /, '')})`, true);
  if ((PROTOCOL_RANK[protocol] ?? 0) < PROTOCOL_RANK[check.minVersion]!) {
    raise('tls:protocol', 'critical', `negotiated ${protocol}, below the required ${check.minVersion}`, false);
  } else if (check.minVersion === 'TLSv1.2' && (await acceptsLegacy(check, servername, ca, ctx.signal))) {
    raise('tls:legacy_protocol', 'warning', 'server still accepts TLS 1.0/1.1', false);
  }

  const summary = `${protocol}, certificate valid ${daysLeft} more days`;
  return {
    ok: fatal.length === 0,
    error: fatal.length > 0 ? 'tls' : undefined,
    assertion: fatal.length > 0 ? fatal.join('; ') : undefined,
    message: fatal.length > 0 ? fatal.join('; ') : findings.length > 0 ? `${summary}; ${findings.map((f) => f.message).join('; ')}` : summary,
    timings,
    certExpiresAt: Number.isFinite(notAfter) ? notAfter : undefined,
    findings,
  };
}

/** A second handshake offering only TLS 1.0/1.1: a server that completes it still allows legacy clients. */
async function acceptsLegacy(check: TlsCheck, servername: string, ca: string[] | undefined, signal?: AbortSignal): Promise<boolean> {
  const hs = await handshake(
    { host: check.host, port: check.port, servername, ca, rejectUnauthorized: false, minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' },
    check.timeout,
    signal,
  );
  hs.socket?.destroy();
  return hs.socket !== undefined;
}

function handshake(options: tls.ConnectionOptions, timeoutMs: number, signal?: AbortSignal): Promise<Handshake> {
  const started = performance.now();
  return new Promise((resolve) => {
    let tcpMs: number | undefined;
    let settled = false;
    const socket = tls.connect(options);
    const finish = (result: Omit<Handshake, 'elapsedMs' | 'tcpMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (!result.socket) socket.destroy();
      resolve({ ...result, elapsedMs: performance.now() - started, tcpMs });
    };
    const onAbort = () => finish({ error: Object.assign(new Error('aborted'), { code: 'ERR_ABORTED' }) });
    const timer = setTimeout(() => finish({ error: Object.assign(new Error('handshake timed out'), { code: 'ETIMEDOUT' }) }), timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => (tcpMs = round(performance.now() - started)));
    socket.once('secureConnect', () => finish({ socket }));
    socket.once('error', (error) => finish({ error }));
  });
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
const formatDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
