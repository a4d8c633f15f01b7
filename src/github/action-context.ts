import { readFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { parseRepository, type RepositoryRef } from './github-client.js';

/** What the action validates and where it reports, from the environment the runner sets. */
export interface ActionContext {
  eventName: string;
  repository: RepositoryRef;
  workspace: string;
  /** The commit the check run and the status attach to: the PR head, or the pushed commit. */
  headSha: string;
  /** Absent when every pipeline is validated (a new branch, an event without a range). */
  baseSha?: string;
  pullNumber?: number;
}

export interface ActionInputs {
  /** The `pipelines` glob; its directory part (before the first wildcard) is where pipelines are looked for. */
  pipelines: string;
  strict: boolean;
  checkConnections: boolean;
  checkResources: boolean;
  sarifFile: string;
  comment: boolean;
  /** Empty when the workflow gives none: then the action only validates. */
  token: string;
}

const ZERO_SHA = /^0{40}$/;

/** The runner passes input `check-connections` as `INPUT_CHECK-CONNECTIONS`; defaults mirror action.yml for runs outside a runner. */
export function readActionInputs(env: NodeJS.ProcessEnv): ActionInputs {
  const input = (name: string, fallback: string) => (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim() || fallback;
  const flag = (name: string, fallback: boolean) => {
    const value = input(name, String(fallback));
    if (/^(true|True|TRUE)$/.test(value)) return true;
    if (/^(false|False|FALSE)$/.test(value)) return false;
    throw new UsageError(`Input ${name} must be true or false, got ${JSON.stringify(value)}; fix the \`with:\` block of the step`);
  };
  return {
    pipelines: input('pipelines', 'pipelines/**/*.y?(a)ml'),
    strict: flag('strict', false),
    checkConnections: flag('check-connections', false),
    checkResources: flag('check-resources', false),
    sarifFile: input('sarif-file', 'orchestrate.sarif'),
    comment: flag('comment', true),
    token: input('github-token', ''),
  };
}

/** The directory a pipelines glob starts in: `pipelines/**\/*.y?(a)ml` → `pipelines`. */
export function pipelinesDirectory(glob: string): string {
  const parts = glob.split('/');
  const wildcard = parts.findIndex((part) => /[*?{[]/.test(part));
  const directory = (wildcard < 0 ? parts.slice(0, -1) : parts.slice(0, wildcard)).join('/');
  if (!directory) throw new UsageError(`Input pipelines (${JSON.stringify(glob)}) must start with the directory that holds the pipelines, such as "pipelines/**/*.y?(a)ml"`);
  return directory;
}

/** Reads GITHUB_EVENT_PATH and friends: pull_request → base..head, push → before..after, anything else → the whole tree at GITHUB_SHA. */
export function readActionContext(env: NodeJS.ProcessEnv): ActionContext {
  const required = (name: string) => {
    const value = env[name];
    if (!value) throw new UsageError(`${name} is not set; the action runs inside a GitHub Actions job, which sets it`);
    return value;
  };
  const eventName = required('GITHUB_EVENT_NAME');
  const repository = parseRepository(required('GITHUB_REPOSITORY'), 'GITHUB_REPOSITORY');
  const workspace = required('GITHUB_WORKSPACE');
  const event = readEvent(required('GITHUB_EVENT_PATH'));
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const pull = event.pull_request as { number: number; base: { sha: string }; head: { sha: string } } | undefined;
    if (!pull) throw new UsageError(`The ${eventName} event at GITHUB_EVENT_PATH has no pull_request object`);
    return { eventName, repository, workspace, headSha: pull.head.sha, baseSha: pull.base.sha, pullNumber: pull.number };
  }
  if (eventName === 'push') {
    const before = typeof event.before === 'string' && !ZERO_SHA.test(event.before) ? event.before : undefined;
    const after = typeof event.after === 'string' && !ZERO_SHA.test(event.after) ? event.after : required('GITHUB_SHA');
    return { eventName, repository, workspace, headSha: after, baseSha: before };
  }
  return { eventName, repository, workspace, headSha: required('GITHUB_SHA') };
}

function readEvent(path: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`Could not read the event payload at GITHUB_EVENT_PATH (${path}): ${(error as Error).message}`, { cause: error });
  }
}
