import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPicketTelemetry, type PicketTelemetry } from '../plugin/index.js';

/** The demo's accounts: a probe account, and customers whose passwords the story's users know. */
export const DEMO_USERS: Record<string, string> = Object.fromEntries([
  ['probe', process.env.DEMO_PROBE_PASSWORD ?? 'probe-password'],
  // Does not log in during the story, until the attackers do with a leaked password.
  ['dormant@example.com', 'hunter2-reused'],
  ...Array.from({ length: 40 }, (_, i) => [`customer${i + 1}@example.com`, `correct-horse-${i + 1}`]),
]);

export interface DemoApi {
  url: string;
  /** Starts shipping the API's requests to picket as telemetry (picket starts after the API, which it probes). */
  attachTelemetry(picketUrl: string, token: string): void;
  /** While true, login and health answer 503: the story's outage. */
  loginDown: boolean;
  close(): Promise<void>;
}

interface DemoRequest extends IncomingMessage {
  demoUser?: string;
}

const MAX_BODY = 16 * 1024;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-content-type-options': 'nosniff', 'cache-control': 'no-store' });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * A small API for the demo: `POST /auth/login`, `GET /api/orders` (needs the token login gives), `GET /auth/health`.
 * Instrumented with picket's own plugin, so its requests reach picket as telemetry the way a real API's would. It
 * believes one proxy's `X-Forwarded-For`, which is how the story's traffic comes from many addresses.
 */
export async function startDemoApi(opts: { port: number }): Promise<DemoApi> {
  const tokens = new Set<string>();
  let telemetry: PicketTelemetry | null = null;
  const state = { loginDown: false };

  const handle = async (req: DemoRequest, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/auth/health' && req.method === 'GET') {
      if (state.loginDown) return json(res, 503, { status: 'down', reason: 'database connection pool exhausted' });
      return json(res, 200, { status: 'ok' });
    }
    if (path === '/auth/login' && req.method === 'POST') {
      if (state.loginDown) return json(res, 503, { error: 'unavailable' });
      let creds: { username?: unknown; password?: unknown };
      try {
        creds = JSON.parse(await readBody(req)) as typeof creds;
      } catch {
        return json(res, 400, { error: 'expected JSON {username, password}' });
      }
      if (typeof creds.username !== 'string' || typeof creds.password !== 'string') return json(res, 400, { error: 'expected JSON {username, password}' });
      req.demoUser = creds.username.slice(0, 100);
      if (DEMO_USERS[creds.username] !== creds.password) return json(res, 401, { error: 'invalid credentials' });
      const token = randomBytes(16).toString('hex');
      tokens.add(token);
      if (tokens.size > 10_000) tokens.delete(tokens.values().next().value!);
      return json(res, 200, { token });
    }
    if (path === '/api/orders' && req.method === 'GET') {
      const token = /^Bearer\s+([0-9a-f]{32})$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !tokens.has(token)) return json(res, 401, { error: 'authentication required' });
      return json(res, 200, { orders: [{ id: 1041, total: 42.5 }, { id: 1042, total: 17 }] });
    }
    return json(res, 404, { error: 'not found' });
  };

  const serve = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) json(res, 400, { error: 'bad request' });
      else res.destroy();
    });
  };
  let listener = serve;
  const server = http.createServer((req, res) => listener(req, res));
  server.keepAliveTimeout = 5_000;
  await listen(server, opts.port);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    attachTelemetry(picketUrl, token) {
      telemetry = createPicketTelemetry({
        url: picketUrl,
        token,
        loginRoutes: ['/auth/login'],
        trustProxy: 1,
        user: (req) => (req as DemoRequest).demoUser,
        flushIntervalMs: 500,
      });
      listener = telemetry.nodeHttp(serve);
    },
    get loginDown() {
      return state.loginDown;
    },
    set loginDown(v: boolean) {
      state.loginDown = v;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await telemetry?.close();
    },
  };
}

/** Listens on the port asked for, or on any free one when it is taken (a second demo, another program). */
function listen(server: http.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' && port !== 0) {
        server.listen(0, '127.0.0.1', () => resolve());
      } else reject(err);
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
}
