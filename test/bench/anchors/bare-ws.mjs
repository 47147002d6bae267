// Anchor for idle sockets: a bare `ws` server (no auth, no state), on 127.0.0.1 and a random port.
// Prints "listening <port>" when ready.
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1', perMessageDeflate: false });
wss.on('listening', () => process.stdout.write(`listening ${wss.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
