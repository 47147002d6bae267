// Anchor: @y/websocket-server 0.1.1 exactly as its own bin wires it (in-memory documents, no auth,
// no persistence), on 127.0.0.1 and a random port. Prints "listening <port>" when ready.
import { createServer } from 'node:http';
import { setupWSConnection } from '@y/websocket-server/utils';
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ noServer: true });
wss.on('connection', setupWSConnection);
const server = createServer((_req, res) => res.end('okay'));
server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
