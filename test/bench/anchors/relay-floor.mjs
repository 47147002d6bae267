// Floor for room latency: a bare `ws` relay with no document at all. It answers a sync step 1 with an
// empty sync step 2 and forwards every sync update, byte for byte, to the other sockets on the same
// path. No server can deliver an edit faster than this on the same machine and generator.
// Prints "listening <port>" when ready.
import { WebSocketServer } from 'ws';

const EMPTY_STEP2 = Buffer.from([0, 1, 2, 0, 0]);
const rooms = new Map();
const wss = new WebSocketServer({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1', perMessageDeflate: false });
wss.on('connection', (ws, req) => {
  const path = req.url ?? '/';
  let room = rooms.get(path);
  if (!room) rooms.set(path, (room = new Set()));
  room.add(ws);
  ws.on('close', () => room.delete(ws));
  ws.on('message', (data) => {
    if (data[0] !== 0) return;
    if (data[1] === 0) return ws.send(EMPTY_STEP2);
    if (data[1] !== 2) return;
    for (const peer of room) if (peer !== ws) peer.send(data);
  });
});
wss.on('listening', () => process.stdout.write(`listening ${wss.address().port}\n`));
process.on('SIGTERM', () => process.exit(0));
