// The ceiling for webhook ingest: a bare node:http server that reads the body and answers 202, nothing else.
import http from 'node:http';

let n = 0;
const server = http.createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    res.writeHead(202, { 'content-type': 'application/json' });
    res.end(`{"id":${++n}}`);
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })}\n`));
process.on('SIGTERM', () => process.exit(0));
