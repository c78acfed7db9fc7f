import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { createSecureContext, rootCertificates, type TLSSocket } from 'node:tls';
import got, { RequestError, TimeoutError, type Method, type Request } from 'got';
import { packageInfo } from '../package-info.js';
import type { HttpRequestOptions } from './check.js';
import type { ErrorClass, PhaseTimings, ProbeContext } from './types.js';

/**
 * A fresh connection and a full TLS handshake per probe: pooled sockets would hide a dead backend behind a live
 * connection, and resumed TLS sessions would skip the certificate the probe is there to see.
 */
const AGENT_OPTIONS = { keepAlive: false, maxCachedSessions: 0 };
const httpAgent = new http.Agent(AGENT_OPTIONS);
const httpsAgent = new https.Agent(AGENT_OPTIONS);

/** got configured for probing: no retries, no throwing on HTTP status, no redirects unless asked. */
const probeClient = got.extend({
  retry: { limit: 0 },
  throwHttpErrors: false,
  followRedirect: false,
  decompress: true,
  cache: false,
  headers: { 'user-agent': `picket/${packageInfo.version} (uptime and security probe)` },
});

const caAgents = new Map<string, https.Agent>();

/**
 * An agent per extra-CA file, holding one TLS context with the system roots plus that CA (trusted in addition,
 * not instead). Building a context parses every root certificate, which costs more CPU than the whole
 * handshake, so it is done once per file, not once per probe.
 */
function agentFor(ca: string | undefined, configDir: string): https.Agent {
  if (!ca) return httpsAgent;
  const file = path.resolve(configDir, ca);
  let agent = caAgents.get(file);
  if (!agent) {
    const secureContext = createSecureContext({ ca: [...rootCertificates, readFileSync(file, 'utf8')] });
    agent = new https.Agent({ ...AGENT_OPTIONS, secureContext });
    caAgents.set(file, agent);
  }
  return agent;
}

export interface ExchangeRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  options: Pick<HttpRequestOptions, 'tlsVerify' | 'ca' | 'followRedirects' | 'maxBodyBytes'>;
}

export interface Exchange {
  status?: number;
  headers: Record<string, string | string[] | undefined>;
  /** At most maxBodyBytes of the body. */
  body: Buffer;
  truncated: boolean;
  timings: PhaseTimings;
  certExpiresAt?: number;
  tlsProtocol?: string;
  error?: { class: ErrorClass; message: string };
}

/** One HTTP request as a probe sees it: status, headers, a capped body, phase timings and the certificate. */
export async function exchange(req: ExchangeRequest, ctx: ProbeContext): Promise<Exchange> {
  const started = performance.now();
  const out: Exchange = { headers: {}, body: Buffer.alloc(0), truncated: false, timings: { totalMs: 0 } };
  const stream = probeClient.stream(req.url, {
    method: (req.method ?? 'GET') as Method,
    headers: req.headers,
    body: req.body,
    followRedirect: req.options.followRedirects,
    maxRedirects: 5,
    timeout: { request: req.timeoutMs },
    agent: { http: httpAgent, https: agentFor(req.options.ca, ctx.configDir) },
    https: { rejectUnauthorized: req.options.tlsVerify },
    signal: ctx.signal,
  });
  stream.once('response', (res: http.IncomingMessage) => {
    out.status = res.statusCode;
    out.headers = res.headers;
    const socket = res.socket as TLSSocket | null;
    if (socket && typeof socket.getPeerX509Certificate === 'function') {
      // The X509 object parses lazily; getPeerCertificate() would also compute three fingerprints per probe.
      const validTo = socket.getPeerX509Certificate()?.validTo;
      if (validTo) out.certExpiresAt = Date.parse(validTo);
      out.tlsProtocol = socket.getProtocol() ?? undefined;
    }
  });
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const room = req.options.maxBodyBytes - size;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        size += room;
        out.truncated = true;
        break;
      }
      chunks.push(chunk);
      size += chunk.length;
    }
  } catch (err) {
    out.error = classify(err);
  } finally {
    if (!stream.destroyed) stream.destroy();
  }
  out.body = Buffer.concat(chunks, size);
  out.timings = phases(stream.timings, performance.now() - started);
  return out;
}

function phases(t: Request['timings'], elapsedMs: number): PhaseTimings {
  const out: PhaseTimings = { totalMs: round(elapsedMs) };
  if (!t) return out;
  const p = t.phases;
  if (p.dns !== undefined) out.dnsMs = round(p.dns);
  if (p.tcp !== undefined) out.tcpMs = round(p.tcp);
  if (p.tls !== undefined) out.tlsMs = round(p.tls);
  if (p.firstByte !== undefined) out.firstByteMs = round(p.firstByte);
  return out;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

const TLS_CODES = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH|ERR_OSSL)/;

/** Maps a got/Node error to picket's error classes, with a message that carries no request data. */
export function classify(err: unknown): { class: ErrorClass; message: string } {
  const e = err as NodeJS.ErrnoException & { event?: string };
  const code = e.code ?? '';
  if (err instanceof TimeoutError || code === 'ETIMEDOUT') {
    return { class: 'timeout', message: `timed out${e.event ? ` (${e.event} phase)` : ''}` };
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA') return { class: 'dns', message: `DNS lookup failed (${code})` };
  if (code === 'ECONNREFUSED') return { class: 'refused', message: 'connection refused' };
  if (TLS_CODES.test(code) || /certificate|ssl|tls/i.test(e.message ?? '')) return { class: 'tls', message: `TLS: ${code || e.message}` };
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || /socket hang up|aborted|premature close/i.test(e.message ?? '')) {
    return { class: 'reset', message: `connection reset (${code || e.message})` };
  }
  if (code === 'ERR_ABORTED' || e.name === 'AbortError') return { class: 'timeout', message: 'aborted' };
  if (err instanceof RequestError) return { class: 'reset', message: `request failed (${code || e.message})` };
  return { class: 'reset', message: (e.message ?? String(err)).slice(0, 200) };
}

export function headerValue(headers: Exchange['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}
