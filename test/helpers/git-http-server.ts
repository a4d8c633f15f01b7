import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Git's smart HTTP protocol on 127.0.0.1 through `git http-backend`, behind Basic authentication. */
export interface GitHttpServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every `Authorization` header received, in order, so a test can tell which credentials were sent. */
  authorizations: string[];
}

export interface BasicCredentials {
  user: string;
  password: string;
}

/**
 * Serves the repositories under `root` (a request for `/origin/.git/...` reads
 * `root/origin/.git`, one for `/letters.git/...` the bare `root/letters.git`) and answers 401
 * unless the request carries one of the `accepted` credentials.
 */
export async function startGitHttpServer(root: string, ...accepted: BasicCredentials[]): Promise<GitHttpServer> {
  const expected = accepted.map(({ user, password }) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`);
  const authorizations: string[] = [];
  const server = createServer((request, response) => {
    const authorization = request.headers.authorization ?? '';
    authorizations.push(authorization);
    if (!expected.includes(authorization)) {
      response.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end();
      return;
    }
    runBackend(root, request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    authorizations,
    async [Symbol.asyncDispose]() {
      // Git keeps its connection alive between requests: close it, or `close` waits for it.
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The CGI exchange: request line and headers as variables, the body on stdin, headers then body back. */
function runBackend(root: string, request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://git');
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: request.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: request.headers['content-type'] ?? '',
      ...(request.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: request.headers['content-encoding'] } : {}),
      ...(request.headers['git-protocol'] ? { GIT_PROTOCOL: String(request.headers['git-protocol']) } : {}),
      REMOTE_USER: 'git',
      REMOTE_ADDR: '127.0.0.1',
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  request.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headersDone) return void response.write(chunk);
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    headersDone = true;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const separator = line.indexOf(':');
      const name = line.slice(0, separator).trim();
      const value = line.slice(separator + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else headers[name] = value;
    }
    response.writeHead(status, headers);
    response.write(head.subarray(end + 4));
  });
  child.on('close', () => response.end());
}
