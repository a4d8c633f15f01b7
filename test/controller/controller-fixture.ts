import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { Controller } from '../../src/gitops/controller/controller.js';
import { DeployRuns } from '../../src/gitops/controller/deploy-runs.js';
import { DeploymentLedger } from '../../src/gitops/deployments/deployment-ledger.js';
import { makeWritable } from '../../src/gitops/extract-tree.js';
import { GitSource } from '../../src/gitops/git-source.js';
import { FileStateStore } from '../../src/state/file-store.js';
import type { StateStore } from '../../src/state/state-store.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { makeGitRepo, type GitFixture } from '../../bench/support/git-repo.js';

/** A pipeline of one stage whose task runs `scripts/<name>.js`; `onMerge` asks to run on deploy. */
export function letterPipeline(name: string, options: { onMerge?: boolean; extra?: string } = {}): string {
  return `version: "2.1"
name: ${name}
${options.onMerge ? 'deploy:\n  on_merge: run\n' : ''}stages:
  - name: main
    tasks:
      - name: write
        type: node_script
        script: scripts/${name}.js
${options.extra ?? ''}`;
}

/** The same pipeline with a dependency on a task that does not exist: one validation error. */
export function brokenPipeline(name: string): string {
  return letterPipeline(name, { extra: '        dependencies: [missing_task]\n' });
}

export { writeLetter } from '../gitops/git-fixture.js';

export interface ControllerFixture extends AsyncDisposable {
  repo: GitFixture;
  workdir: string;
  source: GitSource;
  store: StateStore;
  ledger: DeploymentLedger;
  runs: DeployRuns;
  controller: Controller;
  logger: Logger;
  /** Every line the controller logged. */
  lines: string[];
}

/**
 * A controller in this process over a real Git repository in a temp dir, its bare mirror, and a
 * real state store (the file store unless one is given). Nothing is mocked.
 */
export async function makeController(options: { store?: (workdir: string) => Promise<StateStore> | StateStore; owner?: string; repoUrl?: (path: string) => string } = {}): Promise<ControllerFixture> {
  const temp = makeTempDir('orchestrate-controller-');
  const repo = makeGitRepo(join(temp.path, 'origin'));
  const workdir = join(temp.path, 'work');
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  const source = new GitSource({ repo: options.repoUrl ? options.repoUrl(repo.path) : repo.path, workdir });
  const store = options.store ? await options.store(workdir) : new FileStateStore({ directory: join(workdir, 'state') });
  const ledger = new DeploymentLedger(store, source.display, 'main');
  const owner = options.owner ?? 'controller-test';
  const runs = new DeployRuns({ source, store, workdir, logger, owner, leaseTtlMs: 2_000, env: { PATH: process.env.PATH }, secrets: {} });
  const controller = new Controller({ source, store, ledger, runs, logger, owner, intervalMs: 60_000, leaseTtlMs: 2_000 });
  return {
    repo,
    workdir,
    source,
    store,
    ledger,
    runs,
    controller,
    logger,
    lines,
    async [Symbol.asyncDispose]() {
      await controller.stop();
      await runs.shutdown(0);
      await store[Symbol.asyncDispose]();
      await makeWritable(temp.path).catch(() => undefined);
      temp[Symbol.dispose]();
    },
  };
}
