import { request as httpRequest, type ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { describeNetworkError, describeTimeout, type ProbeResult } from './network-error.js';
import type { ProbeOptions } from './probe-socket.js';

/**
 * Sends HEAD and takes any HTTP status as reachable: a 404 or 500 still proves a server answers,
 * and judging the status is the task's job. No credentials, query or redirects are followed.
 */
export function probeHttp(url: string, host: string, port: number, options: ProbeOptions): Promise<ProbeResult | undefined> {
  return new Promise((resolve) => {
    if (options.signal?.aborted) return resolve(undefined);
    let done = false;
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    let request: ClientRequest;
    try {
      request = send(url, { method: 'HEAD', agent: false, headers: { 'user-agent': 'auto-orchestrator (validate --check-connections)' } });
    } catch (error) {
      // Node refuses some URLs synchronously: a finding, never a crash.
      return resolve({ ok: false, reason: describeNetworkError(error, host, port) });
    }
    const finish = (result: ProbeResult | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      request.destroy();
      resolve(result);
    };
    const onAbort = () => finish(undefined);
    const timer = setTimeout(() => finish({ ok: false, reason: `no HTTP answer from ${host}:${port} within ${describeTimeout(options.timeoutMs)} (timeout)` }), options.timeoutMs);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    request.once('response', (response) => {
      response.resume();
      finish({ ok: true });
    });
    request.once('error', (error: NodeJS.ErrnoException) => {
      // The parser's codes (HPE_*) mean something answered, but not in HTTP.
      if (error.code?.startsWith('HPE_')) finish({ ok: false, reason: `HTTP error: ${host}:${port} answered, but not with HTTP (${error.code})` });
      else finish({ ok: false, reason: describeNetworkError(error, host, port) });
    });
    request.end();
  });
}
