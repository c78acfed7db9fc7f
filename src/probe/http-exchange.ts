import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { rootCertificates, type TLSSocket } from 'node:tls';
import got, { RequestError, TimeoutError, type Method, type Request } from 'got';
import { packageInfo } from '../package-info.js';
import type { HttpRequestOptions } from './check.js';
import type { ErrorClass, PhaseTimings, ProbeContext } from './types.js';

/**
 * A fresh connection per probe: pooled sockets would hide a dead backend behind a live connection and make
 * TLS and connect timings meaningless.
 */
const agents = {
  http: new http.Agent({ keepAlive: false }),
  https: new https.Agent({ keepAlive: false }),
};

/** got configured for probing: no retries, no throwing on HTTP status, no redirects unless asked. */
const probeClient = got.extend({
  retry: { limit: 0 },
  throwHttpErrors: false,
  followRedirect: false,
  decompress: true,
  cache: false,
  agent: agents,
  headers: { 'user-agent': `picket/${packageInfo.version} (uptime and security probe)` },
});

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

const caCache = new Map<string, string[]>();

/** The system roots plus the check's own CA file: a private CA is trusted in addition, not instead. */
function readCa(file: string, configDir: string): string[] {
  const full = path.resolve(configDir, file);
  let cas = caCache.get(full);
  if (!cas) {
    cas = [...rootCertificates, readFileSync(full, 'utf8')];
    caCache.set(full, cas);
  }
  return cas;
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
    https: {
      rejectUnauthorized: req.options.tlsVerify,
      certificateAuthority: req.options.ca ? readCa(req.options.ca, ctx.configDir) : undefined,
    },
    signal: ctx.signal,
  });
  stream.once('response', (res: http.IncomingMessage) => {
    out.status = res.statusCode;
    out.headers = res.headers;
    const socket = res.socket as TLSSocket | null;
    if (socket && typeof socket.getPeerCertificate === 'function') {
      const cert = socket.getPeerCertificate();
      if (cert?.valid_to) out.certExpiresAt = Date.parse(cert.valid_to);
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
