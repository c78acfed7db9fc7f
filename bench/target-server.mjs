// A probe target for benchmarks, in its own process so its CPU is not counted as picket's.
// argv: <key.pem> <cert.pem>; prints {"http":port,"https":port} on stdout when listening.
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';

const [keyFile, certFile] = process.argv.slice(2);
const handler = (req, res) => {
  if (req.url.startsWith('/slow')) {
    setTimeout(() => res.end('ok'), 50);
    return;
  }
  res.setHeader('content-type', 'application/json');
  res.end('{"status":"ok"}');
};
const plain = http.createServer(handler);
plain.keepAliveTimeout = 0;
const secure = https.createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, handler);
await Promise.all([new Promise((r) => plain.listen(0, '127.0.0.1', r)), new Promise((r) => secure.listen(0, '127.0.0.1', r))]);
process.stdout.write(`${JSON.stringify({ http: plain.address().port, https: secure.address().port })}\n`);
process.on('SIGTERM', () => process.exit(0));
