import { getEventListeners } from 'node:events';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchange } from '../../src/probe/http-exchange.js';
import { TestPki } from '../helpers/certs.js';
import { startServer, type TestServer } from '../helpers/servers.js';

const options = { tlsVerify: false, followRedirects: false, maxBodyBytes: 65_536 };
let plain: TestServer;
let origin: tls.Server;
const originSockets = new Set<tls.TLSSocket>();
/** For each connection to the origin, resolved when the client has closed its side. */
const closedByClient: Promise<void>[] = [];

beforeAll(async () => {
  plain = await startServer((req, res) => {
    if (req.url === '/hang') return;
    res.end('ok');
  });
  // Answers and keeps the connection open, as a server behind a keep-alive proxy may: closing it is the client's job.
  const leaf = new TestPki().leaf();
  origin = tls.createServer({ key: leaf.key, cert: leaf.cert }, (socket) => {
    originSockets.add(socket);
    socket.on('error', () => undefined);
    closedByClient.push(new Promise((resolve) => socket.once('end', resolve)));
    socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'));
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const socket of originSockets) socket.destroy();
  await new Promise((resolve) => origin.close(resolve));
});

describe('http exchange', () => {
  it('closes a connection the server holds open once the response is complete', async () => {
    const { port } = origin.address() as AddressInfo;
    const ex = await exchange({ url: `https://127.0.0.1:${port}/`, timeoutMs: 2_000, options }, { configDir: process.cwd() });
    expect(ex).toMatchObject({ status: 200, body: Buffer.from('ok'), truncated: false, tlsProtocol: 'TLSv1.3' });
    expect(ex.error).toBeUndefined();
    expect(ex.certExpiresAt).toBeGreaterThan(Date.now());
    const closed = await Promise.race([closedByClient.at(-1)!.then(() => true), new Promise((r) => setTimeout(r, 1_000, false))]);
    expect(closed).toBe(true);
  });

  it('stops a request in flight when its signal aborts, and leaves no listener on the signal', async () => {
    const controller = new AbortController();
    const ctx = { configDir: process.cwd(), signal: controller.signal };
    const done = await exchange({ url: `${plain.url}/`, timeoutMs: 2_000, options }, ctx);
    expect(done.status).toBe(200);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);

    const started = performance.now();
    const pending = exchange({ url: `${plain.url}/hang`, timeoutMs: 5_000, options }, ctx);
    setTimeout(() => controller.abort(), 50);
    const aborted = await pending;
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(aborted.error).toEqual({ class: 'timeout', message: 'aborted' });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);

    const late = await exchange({ url: `${plain.url}/`, timeoutMs: 2_000, options }, ctx);
    expect(late.error).toEqual({ class: 'timeout', message: 'aborted' });
  });
});
