import { describeTimeout } from './network-error.js';
import { preview, type Conversation, type Endpoint } from './probe-socket.js';

/**
 * Hellos that need no credentials and change nothing on the server, yet only a real server of
 * the kind answers them correctly: an open port alone does not prove the URL points at a database.
 */

/** PostgreSQL's SSLRequest code (protocol docs, "SSLRequest"): the server answers one byte, `S` or `N`. */
const SSL_REQUEST_CODE = 80_877_103;

export function postgresHello({ host, port }: Endpoint, timeoutMs: number): Conversation {
  const greeting = Buffer.alloc(8);
  greeting.writeInt32BE(8, 0);
  greeting.writeInt32BE(SSL_REQUEST_CODE, 4);
  const notPostgres = (what: string) => ({ ok: false as const, reason: `${host}:${port} is not a PostgreSQL server: ${what}` });
  return {
    greeting,
    judge(received) {
      const first = String.fromCharCode(received[0] as number);
      if ((first === 'S' || first === 'N') && received.length === 1) return { ok: true };
      // Servers that predate SSL negotiation answer with an ErrorResponse: still PostgreSQL.
      if (first === 'E' && received.length >= 5) {
        const length = received.readInt32BE(1);
        if (length >= 4 && length < 65_536) return { ok: true };
      }
      return notPostgres(`it answered the SSLRequest with ${preview(received)}`);
    },
    silent(received, why) {
      if (received.length > 0) return notPostgres(`it answered the SSLRequest with ${preview(received)}`);
      return why === 'closed'
        ? notPostgres('it closed the connection without answering the SSLRequest')
        : notPostgres(`it accepted the connection but did not answer the SSLRequest within ${describeTimeout(timeoutMs)}`);
    },
  };
}

/** Replies that only a Redis server gives to `PING` (`-NOAUTH`, `-ERR`, … still prove one is there). */
const REDIS_REPLY = /^(\+PONG|-(NOAUTH|ERR|WRONGPASS|NOPERM|DENIED|LOADING|MASTERDOWN|BUSY)\b)/;

export function redisHello({ host, port }: Endpoint, timeoutMs: number): Conversation {
  const notRedis = (what: string) => ({ ok: false as const, reason: `${host}:${port} is not a Redis server: ${what}` });
  return {
    greeting: 'PING\r\n',
    judge(received) {
      const end = received.indexOf('\r\n');
      if (end === -1) return received.length > 512 ? notRedis(`it answered PING with ${preview(received)}`) : undefined;
      const line = received.subarray(0, end).toString('latin1');
      return REDIS_REPLY.test(line) ? { ok: true } : notRedis(`it answered PING with ${preview(received)}`);
    },
    silent(received, why) {
      if (received.length > 0) return notRedis(`it answered PING with ${preview(received)}`);
      return why === 'closed'
        ? notRedis('it closed the connection without answering PING')
        : notRedis(`it accepted the connection but did not answer PING within ${describeTimeout(timeoutMs)}`);
    },
  };
}
