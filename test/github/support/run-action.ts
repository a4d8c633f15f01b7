import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../helpers/run-cli.js';

/** The committed bundle, as the runner starts it (`runs.main` of action/action.yml). */
export const ACTION_BUNDLE = join(PROJECT_ROOT, 'action', 'dist', 'index.mjs');

export interface ActionRun {
  status: number;
  stdout: string;
  stderr: string;
  /** GITHUB_OUTPUT parsed into name → value. */
  outputs: Record<string, string>;
  summary: string;
}

/** A pull_request event payload (from the schema-checked fixture) for this PR's commits. */
export function writePullRequestEvent(dir: string, pull: { number: number; baseSha: string; headSha: string }): string {
  const event = JSON.parse(readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', 'github', 'pull_request.synchronize.json'), 'utf8')) as { number: number; pull_request: { number: number; base: { sha: string }; head: { sha: string } } };
  event.number = pull.number;
  event.pull_request.number = pull.number;
  event.pull_request.base.sha = pull.baseSha;
  event.pull_request.head.sha = pull.headSha;
  const path = join(dir, `event-${pull.headSha}.json`);
  writeFileSync(path, JSON.stringify(event));
  return path;
}

/**
 * Runs the bundle as a child process with the environment the runner sets for a job step
 * (asynchronously: the test server answers from this process's event loop).
 */
export function runActionBundle(options: { workspace: string; eventPath: string; eventName: string; sha: string; apiUrl: string; scratch: string; inputs?: Record<string, string> }): Promise<ActionRun> {
  const output = join(options.scratch, `output-${options.sha}`);
  const summary = join(options.scratch, `summary-${options.sha}`);
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const inputs = Object.fromEntries(Object.entries(options.inputs ?? {}).map(([name, value]) => [`INPUT_${name.toUpperCase()}`, value]));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: options.eventPath,
    GITHUB_REPOSITORY: 'octo-org/pipelines',
    GITHUB_REPOSITORY_OWNER: 'octo-org',
    GITHUB_SHA: options.sha,
    GITHUB_REF: 'refs/pull/7/merge',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_API_URL: options.apiUrl,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    RUNNER_TEMP: options.scratch,
    ...inputs,
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [ACTION_BUNDLE], { cwd: options.workspace, env, timeout: 60_000 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      const outputs = Object.fromEntries(readFileSync(output, 'utf8').split('\n').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
      resolve({ status, stdout, stderr, outputs, summary: readFileSync(summary, 'utf8') });
    });
  });
}
