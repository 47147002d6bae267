// Anchor: Hocuspocus 3.4.4 with no extensions (in-memory documents, no auth, no persistence), on a
// random port. Prints "listening <port>" when ready.
import { Server } from '@hocuspocus/server';

const server = new Server({ port: Number(process.env.PORT ?? 0), quiet: true, stopOnSignals: false });
await server.listen();
process.stdout.write(`listening ${server.address.port}\n`);
process.on('SIGTERM', () => process.exit(0));
