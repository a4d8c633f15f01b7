import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { describeNetworkError, describeTimeout, type ProbeResult } from './network-error.js';

export interface ProbeOptions {
  /** The probe gives up after this long. */
  timeoutMs: number;
  /** Aborts the probe when the total time for all probes runs out; it then resolves `undefined`. */
  signal?: AbortSignal;
}

/** A protocol-level hello: what to send once connected, and how to judge what comes back. */
export interface Conversation {
  greeting: Buffer | string;
  /** Decides from the bytes received so far; `undefined` waits for more. */
  judge(received: Buffer): ProbeResult | undefined;
  /** The peer closed, or stayed silent until the timeout, before `judge` decided. */
  silent(received: Buffer, why: 'closed' | 'timeout'): ProbeResult;
}

export interface Endpoint {
  host: string;
  port: number;
  tls: boolean;
}

/** Opens a TCP (or TLS) connection; without a conversation, connecting is success. Always destroys the socket. */
export function probeSocket(endpoint: Endpoint, options: ProbeOptions, conversation?: Conversation): Promise<ProbeResult | undefined> {
  const { host, port } = endpoint;
  return new Promise((resolve) => {
    if (options.signal?.aborted) return resolve(undefined);
    let received = Buffer.alloc(0);
    let connected = false;
    let done = false;
    let socket: Socket;
    try {
      socket = endpoint.tls ? connectTls({ host, port, servername: isIP(host) === 0 ? host : undefined }) : connectTcp({ host, port });
    } catch (error) {
      // Node refuses some inputs synchronously (a bad port, say): a finding, never a crash.
      return resolve({ ok: false, reason: describeNetworkError(error, host, port) });
    }
    const finish = (result: ProbeResult | undefined) => {
      // `error` is followed by `close`, and destroying emits `close` too: only the first outcome counts.
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(result);
    };
    const onAbort = () => finish(undefined);
    const timer = setTimeout(() => {
      if (connected && conversation) finish(conversation.silent(received, 'timeout'));
      else finish({ ok: false, reason: `no answer from ${host}:${port} within ${describeTimeout(options.timeoutMs)} (connection timed out)` });
    }, options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once(endpoint.tls ? 'secureConnect' : 'connect', () => {
      connected = true;
      if (!conversation) return finish({ ok: true });
      socket.write(conversation.greeting);
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const verdict = conversation?.judge(received);
      if (verdict) finish(verdict);
    });
    socket.once('close', () => finish(connected && conversation ? conversation.silent(received, 'closed') : { ok: false, reason: `${host}:${port} closed the connection` }));
    socket.once('error', (error) => finish({ ok: false, reason: describeNetworkError(error, host, port) }));
  });
}

/** Up to 24 printable characters of what a server sent, for messages about the wrong kind of server. */
export function preview(received: Buffer): string {
  const text = received.subarray(0, 24).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
  return `"${text}${received.length > 24 ? '…' : ''}"`;
}
