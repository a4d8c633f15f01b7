import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { handleOperation, type ServerState } from '../github/support/api-state.js';
import { loadApiSpec, type Operation } from '../github/support/api-spec.js';

/** One request the server refused because GitHub would have refused it (or the spec does not know it). */
export interface Violation {
  method: string;
  path: string;
  message: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  operationId: string;
  body: unknown;
}

export interface GithubApiServer extends AsyncDisposable {
  /** Base URL to hand to Octokit as `baseUrl` (and to the action as `GITHUB_API_URL`). */
  url: string;
  /** Every request that matched an operation, in order. */
  requests: RecordedRequest[];
  /** Requests answered 422 because they broke the spec or a rule the spec does not encode; a test asserts this stays empty. */
  violations: Violation[];
  /** Check runs, comments, statuses and pull requests as a pull request would show them. */
  state: ServerState;
  /**
   * The next request is answered 403 as GitHub does when a rate limit is hit: with `Retry-After`
   * (secondary limit) or with `x-ratelimit-remaining: 0` and `x-ratelimit-reset` (primary limit).
   */
  injectRateLimit(options: { kind: 'retry-after' | 'reset'; seconds: number }): void;
  /** The next request is answered 403 "Resource not accessible by integration", as for a fork's read-only token. */
  injectForbidden(): void;
  stop(): Promise<void>;
}

/**
 * A local stand-in for api.github.com on 127.0.0.1 that checks every request against GitHub's
 * published OpenAPI description (method, path, JSON body schema), checks by hand what the
 * description does not encode, keeps state, and answers with bodies valid against the
 * operation's response schema.
 */
export async function startGithubApiServer(options: { pathPrefix?: string } = {}): Promise<GithubApiServer> {
  // GitHub Enterprise Server serves the same API under /api/v3.
  const prefix = options.pathPrefix ?? '';
  const spec = loadApiSpec();
  const requests: RecordedRequest[] = [];
  const violations: Violation[] = [];
  const state: ServerState = { checkRuns: [], comments: [], statuses: [], pulls: new Map(), nextId: 1000 };
  const pendingLimits: Injected[] = [];

  const server = createServer((request, response) => {
    void serve(request, response).catch((error: unknown) => {
      const message = error instanceof Error ? error.stack ?? error.message : String(error);
      violations.push({ method: request.method ?? '', path: request.url ?? '', message: `test server failed: ${message}` });
      send(response, 500, { message });
    });
  });

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = (request.method ?? 'GET').toLowerCase();
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (prefix && url.pathname.startsWith(`${prefix}/`)) url.pathname = url.pathname.slice(prefix.length);
    else if (prefix) url.pathname = '/ (outside the API root)';
    const raw = await readBody(request);
    const limit = pendingLimits.shift();
    if (limit) return sendRateLimit(response, limit);
    const refuse = (message: string) => {
      violations.push({ method: method.toUpperCase(), path: url.pathname, message });
      send(response, 422, { message, documentation_url: 'https://docs.github.com/rest' });
    };
    const match = spec.match(method, url.pathname);
    if (!match) return refuse(`${method.toUpperCase()} ${url.pathname} is not an operation in GitHub's REST API description`);
    let body: unknown;
    try {
      body = raw.length > 0 ? JSON.parse(raw) : undefined;
    } catch {
      return refuse(`${match.operation.operationId}: the body is not JSON`);
    }
    const problems = [...match.parameterProblems, ...spec.checkBody(match.operation, body)];
    if (problems.length > 0) return refuse(`${match.operation.operationId}: ${problems.join('; ')}`);
    requests.push({ method: method.toUpperCase(), path: url.pathname, operationId: match.operation.operationId, body });
    const answer = handleOperation(state, match.operation.operationId, { params: match.params, query: url.searchParams, body, baseUrl: `http://127.0.0.1:${port()}${prefix}`, path: url.pathname })
      ?? { status: Number(Object.keys(match.operation.responses).find((status) => status.startsWith('2')) ?? 200) };
    if ('refusal' in answer) return refuse(`${match.operation.operationId}: ${answer.refusal}`);
    send(response, answer.status, respond(match.operation, answer.status, answer.fields), answer.link ? { link: answer.link } : {});
  }

  /** Fills the operation's response schema, overlays the state, and checks the result is valid. */
  function respond(operation: Operation, status: number, fields: unknown): unknown {
    if (status === 204) return undefined;
    const body = spec.sampleResponse(operation, status, fields);
    const problems = spec.checkResponse(operation, status, body);
    if (problems.length > 0) throw new Error(`${operation.operationId}: the test server built a response that breaks the spec: ${problems.join('; ')}`);
    return body;
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = () => {
    const address = server.address();
    return address !== null && typeof address === 'object' ? address.port : 0;
  };
  const stop = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return {
    url: `http://127.0.0.1:${port()}${prefix}`,
    requests,
    violations,
    state,
    injectRateLimit: (options) => pendingLimits.push(options),
    injectForbidden: () => pendingLimits.push({ kind: 'forbidden', seconds: 0 }),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

type Injected = { kind: 'retry-after' | 'reset' | 'forbidden'; seconds: number };

function sendRateLimit(response: ServerResponse, limit: Injected): void {
  if (limit.kind === 'forbidden') return send(response, 403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest', status: '403' });
  const headers: Record<string, string> = limit.kind === 'retry-after'
    ? { 'retry-after': String(limit.seconds) }
    : { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + limit.seconds) };
  const message = limit.kind === 'retry-after' ? 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' : 'API rate limit exceeded.';
  send(response, 403, { message, documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' }, headers);
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  response.writeHead(status, { ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...headers });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
