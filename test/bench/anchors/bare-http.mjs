// Anchor for REST latency: a bare Node HTTP server answering every request with a fixed JSON body
// (no framework, auth or database), on 127.0.0.1 and a random port. Prints "listening <port>".
import { createServer } from 'node:http';

const body = JSON.stringify({ items: [], nextCursor: null });
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(body);
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
