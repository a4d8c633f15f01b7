import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { graphOfPipeline, type PlannedTask } from '../../src/dag/pipeline-graph.js';
import { createHookRunner, type HookLogLevel, type HookRunnerOptions } from '../../src/engine/hooks/run-hooks.js';
import type { HookMoment } from '../../src/engine/task-lifecycle.js';
import type { AttemptSpec } from '../../src/executors/executor.js';
import { renderTemplate } from '../../src/spec/render-template.js';
import { pipeline as pipelineSchema } from '../../src/spec/schema/pipeline.js';
import type { Hook } from '../../src/spec/schema/hooks.js';
import type { EventBody } from '../../src/state/events.js';

/** A secret the tests hand to templates and tasks; it must never show up in a message. */
export const SECRET = 'tok-7f3a9c21e5';

export type HookEvent = Extract<EventBody, { type: 'hook.ran' }>;

/** The one task of a one-stage pipeline `sales`, as the engine plans it. */
export function plannedTask(task: Record<string, unknown>): PlannedTask {
  const parsed = pipelineSchema.parse({ version: '2.1', name: 'sales', variables: { REGION: 'eu' }, stages: [{ name: 'extract', tasks: [{ name: 'orders', ...task }] }] });
  const [node] = graphOfPipeline(parsed).nodes;
  if (!node) throw new Error('no task');
  return node;
}

/**
 * A hook runner wired the way `pipeline execute` wires it: templates rendered against a real
 * scope (`API_TOKEN` is a secret), secrets collected into a live set, log lines recorded.
 */
export function makeHookHarness(root: string, overrides: Partial<HookRunnerOptions> = {}) {
  const executionId = randomUUID();
  const secrets = new Set<string>();
  const logs: { level: HookLogLevel; message: string; fields: Record<string, unknown> }[] = [];
  const workdir = join(root, 'work');
  const workspace = join(root, 'repo');
  const runHooks = createHookRunner({
    render: (text, task) =>
      renderTemplate(
        text,
        {
          variables: { REGION: 'eu' },
          builtins: { ds: '2024-01-15', ds_nodash: '20240115', execution_id: executionId },
          pipelineName: 'sales',
          env: {},
          secrets: { API_TOKEN: SECRET },
          ...(task ? { task: { name: task.task.name, stage: task.stage.name, id: task.id } } : {}),
        },
        secrets,
      ),
    log: (level, message, fields) => logs.push({ level, message, fields }),
    workdir,
    workspace,
    secrets,
    retryDelayMs: 10,
    ...overrides,
  });
  const outputDir = join(workdir, 'executions', executionId, 'output');
  /** The spec of the task's first attempt: env with OUTPUT_DIR, run from the checkout. */
  const specOf = (task: PlannedTask, env: Record<string, string> = {}, taskSecrets: string[] = []): AttemptSpec => ({
    executionId,
    taskId: task.id,
    attempt: 1,
    type: task.task.type,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', EXECUTION_ID: executionId, OUTPUT_DIR: outputDir, ...env },
    cwd: workspace,
    secrets: taskSecrets,
  });
  const run = async (when: HookMoment, hooks: Hook[], extra: { task?: PlannedTask; spec?: AttemptSpec; summary?: Record<string, unknown> } = {}): Promise<HookEvent[]> => {
    const summary = extra.summary ?? { pipeline: 'sales', execution: executionId, status: 'failed', ds: '2024-01-15', ...(extra.task ? { task: extra.task.id } : {}) };
    const events = await runHooks({ executionId, when, hooks, summary, ...(extra.task ? { task: extra.task } : {}), ...(extra.spec ? { spec: extra.spec } : {}) });
    return events as HookEvent[];
  };
  return { executionId, workdir, workspace, outputDir, logs, secrets, run, specOf };
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * An HTTP server on 127.0.0.1 that records every request and answers each with the next scripted
 * reply: a status, or `hang` (never answers, for timeouts). After the script it answers 200.
 */
export async function startReceiver(script: (number | 'hang')[] = []): Promise<{ url: string; requests: ReceivedRequest[] } & AsyncDisposable> {
  const requests: ReceivedRequest[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const reply = script.shift() ?? 200;
      if (reply === 'hang') {
        hanging.push(response);
        return;
      }
      response.writeHead(reply, { 'content-type': 'text/plain' });
      response.end(reply === 400 ? 'invalid_payload' : reply >= 500 ? 'try again later' : 'ok');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/alerts`,
    requests,
    async [Symbol.asyncDispose]() {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
