import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileStateStore } from '../../src/state/file-store.js';
import { openRedisStateStore } from '../../src/state/redis-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { chainGaps, type ChainGaps } from './step-gaps.js';
import { taskName } from './pipelines.js';

/** The same chain as B1, but as a pipeline file run by the built CLI, end to end. */
export interface CliChainRun {
  store: 'file' | 'redis';
  /** From spawning `node …/main.js pipeline execute` to its exit: start-up, validation, the run, the report. */
  wallMs: number;
  gaps: ChainGaps;
}

/** The CLI users run (package.json `bin`): the bundle beside dist/bench. */
const CLI = fileURLToPath(new URL('../../cli/orchestrate.mjs', import.meta.url));

export function chainYaml(tasks: number): string {
  const lines = ['version: "2.1"', `name: bench_cli_chain_${tasks}`, 'config:', '  parallel: true', 'stages:', '  - name: bench', '    tasks:'];
  for (let index = 0; index < tasks; index++) {
    lines.push(`      - name: ${taskName(index)}`, '        type: shell', '        command: "true"', '        retry: false');
    if (index > 0) lines.push(`        dependencies: [${taskName(index - 1)}]`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Runs the chain through `orchestrate pipeline execute` in a work directory of its own, then
 * reads the ledger it wrote. Redis keys get a prefix of their own through a config file, so a
 * shared `REDIS_URL` is never written under the default prefix.
 */
export async function runCliChain(options: { tasks: number; directory: string; store: 'file' | 'redis'; redisUrl: string }): Promise<CliChainRun> {
  const workdir = join(options.directory, `cli-${options.store}-workdir`);
  const keyPrefix = `bench-cli:${process.pid}:${Date.now()}:`;
  const pipelineFile = join(options.directory, `cli-${options.store}.yaml`);
  const configFile = join(options.directory, `cli-${options.store}-config.yaml`);
  writeFileSync(pipelineFile, chainYaml(options.tasks));
  writeFileSync(configFile, `state:\n  key_prefix: "${keyPrefix}"\n  ttl_days: 1\n`);
  const args = [CLI, 'pipeline', 'execute', '--pipeline', pipelineFile, '--repo', options.directory, '--workdir', workdir, '--log-format', 'json', '--state', options.store];
  if (options.store === 'redis') args.push('--redis-url', options.redisUrl);
  const start = performance.now();
  const { code, stderr } = await runNode(args, { ...process.env, AUTO_ORCHESTRATOR_CONFIG_PATH: configFile });
  const wallMs = performance.now() - start;
  if (code !== 0) throw new Error(`\`orchestrate pipeline execute\` exited ${String(code)} on the ${options.store} store: ${stderr.slice(-2000)}`);
  const store: StateStore = options.store === 'file' ? new FileStateStore({ directory: join(workdir, 'state') }) : await openRedisStateStore({ url: options.redisUrl, keyPrefix });
  try {
    const [execution] = (await store.list({ limit: 1 })).executions;
    if (!execution) throw new Error(`The CLI run on the ${options.store} store left no execution in its ledger`);
    return { store: options.store, wallMs, gaps: chainGaps(await store.read(execution.execution_id)) };
  } finally {
    await store[Symbol.asyncDispose]();
  }
}

/** Start-up of a bare `node` that does nothing: the floor under any CLI run's wall time. */
export async function measureNodeStartup(count: number): Promise<number> {
  const samples: number[] = [];
  for (let index = 0; index < count; index++) {
    const start = performance.now();
    await runNode(['-e', ''], process.env);
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)] as number;
}

function runNode(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
}
