import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { PlannedTask } from '../dag/pipeline-graph.js';
import { renderTemplate, type TemplateScope } from '../spec/render-template.js';
import type { Pipeline } from '../spec/schema/pipeline.js';
import type { Trigger } from '../state/events.js';
import { buildAttempt, resourceRequestOf, SECRET_NAME, type AttemptContext } from './build-attempt.js';
import type { ExecutionRequest } from './run-execution.js';

export interface PrepareOptions {
  pipeline: Pipeline;
  /** Relative to the repository root. */
  pipelineFile: string;
  pipelineHash: string;
  workspace: string;
  /** Executions' own directories live under `<workdir>/executions/<id>/`. */
  workdir: string;
  /** Logical date, YYYY-MM-DD. @defaultValue today (UTC) */
  ds?: string;
  /** From `--vars FILE` and `--env K=V`: override pipeline variables of the same name. */
  overrides?: Readonly<Record<string, string>>;
  /** What `{{ env.NAME }}` reads: the orchestrator's environment plus `--env`. */
  env: Readonly<Record<string, string | undefined>>;
  /** What `{{ secrets.NAME }}` reads. */
  secrets: Readonly<Record<string, string | undefined>>;
  trigger: Trigger;
  triggeredBy: string;
  traceId?: string;
  priority?: 'low' | 'normal' | 'high' | 'critical';
  commitSha?: string;
  /** Recorded as `dirty: true`: the workspace differed from `commitSha`. */
  dirty?: boolean;
  skip?: ReadonlySet<string>;
  timeoutSeconds?: number;
  executionId?: string;
}

export const REDACTED = '[redacted]';

/**
 * Resolves everything an execution needs before it starts: its id, logical date, variables
 * (with overrides), the secrets to redact, and how to build each attempt.
 */
export function prepareExecution(options: PrepareOptions): { request: ExecutionRequest; context: AttemptContext; outputDir: string } {
  const executionId = options.executionId ?? randomUUID();
  const ds = options.ds ?? new Date().toISOString().slice(0, 10);
  const outputDir = join(options.workdir, 'executions', executionId, 'output');
  const rawVariables: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.pipeline.variables ?? {})) rawVariables[name] = String(value);
  Object.assign(rawVariables, Object.fromEntries(Object.entries(options.overrides ?? {}).filter(([name]) => name in rawVariables)));

  const secrets = new Set<string>();
  for (const [name, value] of Object.entries(options.env)) {
    if (value && value.length >= 4 && SECRET_NAME.test(name)) secrets.add(value);
  }
  const scope: TemplateScope = {
    variables: rawVariables,
    builtins: { ds, ds_nodash: ds.replaceAll('-', ''), execution_id: executionId },
    pipelineName: options.pipeline.name,
    env: options.env,
    secrets: options.secrets,
  };
  // Variables are recorded rendered; any secret they pull in is redacted in the ledger.
  const recorded: Record<string, string> = {};
  for (const name of Object.keys(rawVariables)) {
    const used = new Set<string>();
    let value: string;
    try {
      value = renderTemplate(`{{ ${name} }}`, scope, used);
    } catch {
      value = rawVariables[name] as string;
    }
    for (const secret of used) secrets.add(secret);
    recorded[name] = used.size > 0 || SECRET_NAME.test(name) ? REDACTED : value;
  }

  const context: AttemptContext = {
    pipeline: options.pipeline,
    executionId,
    scope,
    workspace: options.workspace,
    outputDir,
    secrets,
    baseEnv: inheritedEnv(),
  };
  const request: ExecutionRequest = {
    executionId,
    pipeline: options.pipeline,
    header: {
      pipeline_hash: options.pipelineHash,
      ...(options.commitSha ? { commit_sha: options.commitSha } : {}),
      ...(options.dirty ? { dirty: true } : {}),
      trigger: options.trigger,
      triggered_by: options.triggeredBy,
      trace_id: options.traceId ?? randomUUID(),
      ds,
      priority: options.priority ?? 'normal',
      variables: recorded,
      pipeline_file: options.pipelineFile,
    },
    buildAttempt: (planned: PlannedTask, attempt: number) => buildAttempt(context, planned, attempt),
    requestOf: (planned: PlannedTask) => resourceRequestOf(options.pipeline, planned),
    skip: options.skip,
    timeoutSeconds: options.timeoutSeconds,
    maxConcurrent: options.pipeline.config?.max_concurrent,
  };
  return { request, context, outputDir };
}

/** Only what tasks need to find their tools; the orchestrator's other variables stay private. */
function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
