import { once } from 'node:events';
import { createServer } from 'node:net';

/** A port nothing listens on right now: the kernel picks it, then it is released. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('Could not pick a free port');
  return address.port;
}
