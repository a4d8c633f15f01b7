import { resolve } from 'node:path';
import type { PlannedTask } from '../dag/pipeline-graph.js';
import type { AttemptSpec, HttpRequestSpec } from '../executors/executor.js';

/**
 * `sql_script` and `http` tasks run inside the orchestrator, so their attempt carries the SQL
 * file or the rendered request instead of an argv. Templates render with the attempt's scope
 * (secrets they pull in are collected by `render`), the SQL path resolves in the workspace.
 */
export function withInProcessWork(spec: AttemptSpec, planned: PlannedTask, workspace: string, render: (text: string) => string): AttemptSpec {
  const task = planned.task;
  if (task.type === 'sql_script') return { ...spec, sqlFile: resolve(workspace, render(task.script)) };
  if (task.type !== 'http') return spec;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(task.headers ?? {})) headers[name] = render(String(value));
  let body: string | undefined;
  if (typeof task.body === 'string') {
    body = render(task.body);
  } else if (task.body !== undefined) {
    body = JSON.stringify(renderDeep(task.body, render));
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  }
  const http: HttpRequestSpec = {
    url: render(task.url),
    ...(task.method ? { method: task.method } : {}),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(body !== undefined ? { body } : {}),
    ...(task.expected_status !== undefined ? { expectedStatus: task.expected_status } : {}),
  };
  return { ...spec, http };
}

/** A JSON body given as a mapping or list: every string in it is a template. */
function renderDeep(value: unknown, render: (text: string) => string): unknown {
  if (typeof value === 'string') return render(value);
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, render));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, renderDeep(inner, render)]));
  return value;
}
