import type { IncomingMessage, ServerResponse } from 'node:http';
import { Webhooks } from '@octokit/webhooks';
import { DeliveryCache } from './delivery-cache.js';
import type { RepositoryRef } from './github-client.js';
import { classifyEvent, type WebhookWork } from './webhook-events.js';

/** Where a receiver logs; a pino logger fits. */
export interface ReceiverLogger {
  info(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface WebhookReceiverOptions {
  /** The webhook's secret, from the environment or a file (see loadGithubSettings). */
  secret: string;
  /** The tracked repository: events about others are ignored. */
  repository: RepositoryRef;
  /** Pushes to this branch reconcile. @defaultValue 'main' */
  branch?: string;
  /** A push to the tracked branch: reconcile to `sha` now. */
  onPush(sha: string): Promise<void>;
  /** Validate base..head of the PR and report the check run, the comment and the commit status. */
  onPullRequest(pull: { number: number; baseSha?: string; headSha?: string }): Promise<void>;
  /** Delivery ids remembered for de-duplication. @defaultValue 10000 */
  maxDeliveries?: number;
  /** Largest payload read; GitHub caps deliveries at 25 MB. @defaultValue 26214400 */
  maxBodyBytes?: number;
  logger?: ReceiverLogger;
}

export interface WebhookReceiver {
  /** The node:http handler the controller mounts at `POST /webhooks/github`. */
  handle(request: IncomingMessage, response: ServerResponse): void;
  /** Resolves when every queued piece of work has finished (shutdown, tests). */
  idle(): Promise<void>;
}

const SILENT: ReceiverLogger = { info: () => {}, error: () => {} };

/**
 * Verifies `X-Hub-Signature-256`, drops replayed `X-GitHub-Delivery` ids, answers 202 at once
 * (GitHub gives up after 10 s) and runs the work in the background, one piece at a time.
 */
export function createWebhookReceiver(options: WebhookReceiverOptions): WebhookReceiver {
  const webhooks = new Webhooks({ secret: options.secret });
  const deliveries = new DeliveryCache(options.maxDeliveries ?? 10_000);
  const logger = options.logger ?? SILENT;
  const tracked = { repository: `${options.repository.owner}/${options.repository.repo}`, branch: options.branch ?? 'main' };
  let queue: Promise<void> = Promise.resolve();

  const enqueue = (work: WebhookWork, delivery: string) => {
    queue = queue.then(async () => {
      try {
        if (work.kind === 'push') await options.onPush(work.sha);
        else if (work.kind === 'pull-request') await options.onPullRequest({ number: work.number, baseSha: work.baseSha, headSha: work.headSha });
        else if (work.kind === 'pull-request-comment') await options.onPullRequest({ number: work.number });
      } catch (error) {
        logger.error({ err: error, delivery, work }, 'webhook work failed');
      }
    });
  };

  async function receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST') return reply(response, 405, 'Webhooks are delivered with POST', { allow: 'POST' });
    const body = await readBody(request, options.maxBodyBytes ?? 25 * 1024 * 1024);
    if (body === undefined) return reply(response, 413, 'Payload too large');
    const signature = header(request, 'x-hub-signature-256');
    if (!signature) return reply(response, 401, 'Missing X-Hub-Signature-256: set the webhook secret in the repository settings');
    if (!(await verifySignature(webhooks, body, signature))) return reply(response, 401, 'X-Hub-Signature-256 does not match: the webhook secret differs from the controller\'s');
    const delivery = header(request, 'x-github-delivery');
    const event = header(request, 'x-github-event');
    if (!delivery || !event) return reply(response, 400, 'Missing X-GitHub-Delivery or X-GitHub-Event');
    // Only after the signature holds: unsigned requests must not fill the cache.
    if (!deliveries.remember(delivery)) return reply(response, 200, `Delivery ${delivery} was already received`);
    let payload: Parameters<typeof classifyEvent>[1];
    try {
      payload = JSON.parse(body) as typeof payload;
    } catch {
      return reply(response, 400, 'The payload is not JSON: set the webhook content type to application/json');
    }
    const work = classifyEvent(event, payload, tracked);
    logger.info({ delivery, event, work }, 'webhook received');
    if (work.kind === 'ignore') return reply(response, 200, `Ignored: ${work.reason}`);
    enqueue(work, delivery);
    reply(response, 202, `Queued ${work.kind}`);
  }

  return {
    handle(request, response) {
      receive(request, response).catch((error: unknown) => {
        logger.error({ err: error }, 'webhook request failed');
        if (!response.headersSent) reply(response, 500, 'The controller could not read this delivery');
      });
    },
    idle: async () => {
      let current: Promise<void>;
      do {
        current = queue;
        await current;
      } while (current !== queue);
    },
  };
}

async function verifySignature(webhooks: Webhooks, body: string, signature: string): Promise<boolean> {
  try {
    return await webhooks.verify(body, signature);
  } catch {
    // A malformed header (not sha256=<hex>) is a wrong signature, not a server error.
    return false;
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function reply(response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify({ message }));
}

/** The raw body (the signature covers its exact bytes), or undefined past the limit. */
async function readBody(request: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
