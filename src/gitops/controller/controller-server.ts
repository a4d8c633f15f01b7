import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { WebhookReceiver } from '../../github/webhook-receiver.js';
import type { Controller } from './controller.js';

export interface ControllerServerOptions {
  controller: Controller;
  logger: Logger;
  /** Mounted at `POST /webhooks/github` when a webhook secret is configured. */
  webhooks?: WebhookReceiver;
}

export interface ControllerServer {
  /** `http://host:port`. */
  readonly url: string;
  /** Stops taking requests; waits for those in progress. */
  close(): Promise<void>;
}

/**
 * The controller's HTTP surface: `GET /healthz`, `GET /api/status` (deploy status),
 * `POST /api/sync` (reconcile now, answered with the outcome) and the GitHub webhook.
 * Reconcile outcomes map to statuses here, in one place: an error is 502 (the repository or
 * the store could not be reached), everything else 200 with the outcome in the body.
 */
export async function startControllerServer(options: ControllerServerOptions, listen: { host: string; port: number }): Promise<ControllerServer> {
  let closing = false;
  const server: Server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      options.logger.error({ err: error }, `${request.method ?? ''} ${request.url ?? ''} failed`);
      if (!response.headersSent) reply(response, 500, { message: 'The controller could not answer this request; see its log' });
    });
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://controller').pathname;
    if (path === '/healthz') {
      if (request.method !== 'GET') return reply(response, 405, { message: 'Use GET' }, { allow: 'GET' });
      return reply(response, closing ? 503 : 200, { status: closing ? 'shutting down' : 'ok' });
    }
    if (path === '/api/status') {
      if (request.method !== 'GET') return reply(response, 405, { message: 'Use GET' }, { allow: 'GET' });
      return reply(response, 200, await options.controller.status());
    }
    if (path === '/api/sync') {
      if (request.method !== 'POST') return reply(response, 405, { message: 'Use POST' }, { allow: 'POST' });
      request.resume();
      if (closing) return reply(response, 503, { outcome: 'error', message: 'the controller is shutting down' });
      const result = await options.controller.reconcile('sync');
      return reply(response, result.outcome === 'error' ? 502 : 200, result);
    }
    if (path === '/webhooks/github') {
      if (!options.webhooks) return reply(response, 404, { message: 'Webhooks are off: set ORCHESTRATE_GITHUB_WEBHOOK_SECRET (and the GitHub settings) and restart the controller' });
      return options.webhooks.handle(request, response);
    }
    reply(response, 404, { message: `No ${path}; the controller serves GET /healthz, GET /api/status, POST /api/sync and POST /webhooks/github` });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    async close() {
      closing = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

function reply(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(`${JSON.stringify(body)}\n`);
}
