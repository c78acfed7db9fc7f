import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { createSecureContext, rootCertificates, type TLSSocket } from 'node:tls';
import got, { AbortError, RequestError, TimeoutError, type BeforeRequestHook, type ExtendOptions, type Got, type Method, type Request, type RequestFunction, type StreamOptions } from 'got';
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

/**
 * got hands Node one object of some 35 request options, most of them undefined, and ClientRequest, the agent and
 * tls.connect each copy and read all of it. Handing Node only the options that are set took 0.05 ms of CPU off each
 * request, on top of emptying the cache options below (0.300 → 0.245 ms per plain HTTP request).
 */
const nativeRequest: RequestFunction = (url, options, callback) => {
  const set: Record<string, unknown> = {};
  for (const key in options) {
    const value = options[key as keyof typeof options];
    if (value !== undefined) set[key] = value;
  }
  return (url.protocol === 'https:' ? https : http).request(url, set, callback);
};

/**
 * got spreads its cache options (four keys, all undefined without a cache) first into the object of Node request
 * options it builds for each request. On Node 20's V8 that spread sends each of the 35 keys after it down the
 * slow path: 55 µs and 23 KB of garbage per request, more than the rest of got's own work. Without a cache the
 * cache options are never read, and an empty object spreads for free.
 */
const emptyCacheOptions: BeforeRequestHook = (options) => {
  options.cacheOptions = {};
};

/** got configured for probing: no retries, no throwing on HTTP status, no redirects unless asked. */
const probeClient = got.extend({
  request: nativeRequest,
  retry: { limit: 0 },
  throwHttpErrors: false,
  followRedirect: false,
  maxRedirects: 5,
  agent: { http: httpAgent, https: httpsAgent },
  decompress: true,
  cache: false,
  hooks: { beforeRequest: [emptyCacheOptions] },
  headers: { 'user-agent': `picket/${packageInfo.version} (uptime and security probe)` },
});

const caAgents = new Map<string, https.Agent>();

/**
 * An agent per extra-CA file, holding one TLS context with the system roots plus that CA (trusted in addition,
 * not instead). Building a context parses every root certificate, which costs more CPU than the whole
 * handshake, so it is done once per file, not once per probe.
 */
function agentFor(ca: string, configDir: string): https.Agent {
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

/**
 * got clients by the settings that many probes share (timeout, TLS verification, redirects, extra CA), so that most
 * probes hand got no options of their own: got validates, copies and merges every option it is given, on every
 * request. Bounded by the distinct settings in the config.
 */
const clients = new Map<string, Got>();

function clientFor(req: ExchangeRequest, ctx: ProbeContext): Got {
  const { tlsVerify, ca, followRedirects } = req.options;
  const key = `${req.timeoutMs}|${tlsVerify}|${followRedirects}|${ca === undefined ? '' : `${ctx.configDir}|${ca}`}`;
  let client = clients.get(key);
  if (!client) {
    const options: ExtendOptions = { timeout: { request: req.timeoutMs } };
    if (followRedirects) options.followRedirect = true;
    if (ca !== undefined) options.agent = { http: httpAgent, https: agentFor(ca, ctx.configDir) };
    if (!tlsVerify) options.https = { rejectUnauthorized: false };
    client = probeClient.extend(options);
    clients.set(key, client);
  }
  return client;
}

/** What differs between probes of the same settings: a GET without headers or body passes none. */
function requestOptions(req: ExchangeRequest): StreamOptions | undefined {
  const method = req.method === 'GET' ? undefined : (req.method as Method | undefined);
  if (method === undefined && req.headers === undefined && req.body === undefined) return undefined;
  const options: StreamOptions = {};
  if (method !== undefined) options.method = method;
  if (req.headers !== undefined) options.headers = req.headers;
  if (req.body !== undefined) options.body = req.body;
  return options;
}

/** One HTTP request as a probe sees it: status, headers, a capped body, phase timings and the certificate. */
export async function exchange(req: ExchangeRequest, ctx: ProbeContext): Promise<Exchange> {
  const started = performance.now();
  const out: Exchange = { headers: {}, body: Buffer.alloc(0), truncated: false, timings: { totalMs: 0 } };
  const stream = clientFor(req, ctx).stream(req.url, requestOptions(req));
  // The caller's signal is listened to here rather than handed to got, which would make it an option to merge.
  const abort = () => stream.destroy(new AbortError(stream));
  ctx.signal?.addEventListener('abort', abort, { once: true });
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
  let complete = false;
  try {
    if (ctx.signal?.aborted) throw new AbortError(stream);
    const read = await readCapped(stream, req.options.maxBodyBytes);
    out.body = read.body;
    out.truncated = read.truncated;
    complete = !read.truncated;
  } catch (err) {
    out.error = classify(err);
  } finally {
    ctx.signal?.removeEventListener('abort', abort);
    release(stream, complete);
  }
  out.timings = phases(stream.timings, performance.now() - started);
  return out;
}

/**
 * After a complete response Node closes the connection itself (keep-alive is off): it shuts down the sending side,
 * then closes the socket. Destroying got's stream at once closed the socket before that shutdown had run, so the FIN
 * went out from close(), which cost the prober more CPU: 4 % of a plain HTTP probe, 1.5 % of an HTTPS one. got's
 * stream is destroyed, to free its listeners, once the socket has closed.
 */
function release(stream: Request, complete: boolean): void {
  if (stream.destroyed) return;
  const socket = stream.socket;
  if (complete && socket && !socket.destroyed) socket.once('close', () => stream.destroy());
  else stream.destroy();
}

/**
 * The body up to `cap` bytes. Listens for data instead of iterating the stream: an async iterator costs a
 * promise per chunk, which shows in CPU per probe.
 */
function readCapped(stream: Request, cap: number): Promise<{ body: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (truncated: boolean) => resolve({ body: Buffer.concat(chunks, size), truncated });
    stream.on('data', (chunk: Buffer) => {
      const room = cap - size;
      if (chunk.length <= room) {
        chunks.push(chunk);
        size += chunk.length;
        return;
      }
      chunks.push(chunk.subarray(0, room));
      size = cap;
      stream.removeAllListeners('data');
      stream.destroy();
      done(true);
    });
    stream.once('end', () => done(false));
    stream.once('error', reject);
  });
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
  // Before the reset patterns below, which an abort's message ("This operation was aborted") would match.
  if (code === 'ERR_ABORTED' || e.name === 'AbortError') return { class: 'timeout', message: 'aborted' };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA') return { class: 'dns', message: `DNS lookup failed (${code})` };
  if (code === 'ECONNREFUSED') return { class: 'refused', message: 'connection refused' };
  if (TLS_CODES.test(code) || /certificate|ssl|tls/i.test(e.message ?? '')) return { class: 'tls', message: `TLS: ${code || e.message}` };
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || /socket hang up|aborted|premature close/i.test(e.message ?? '')) {
    return { class: 'reset', message: `connection reset (${code || e.message})` };
  }
  if (err instanceof RequestError) return { class: 'reset', message: `request failed (${code || e.message})` };
  return { class: 'reset', message: (e.message ?? String(err)).slice(0, 200) };
}

export function headerValue(headers: Exchange['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}
