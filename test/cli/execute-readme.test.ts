import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PROJECT_ROOT, runCli } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { executionIdOf, isolatedEnv } from './execute-support.js';

it("runs the README's first set-up command: the example ETL runs for real on the embedded store and says where its outputs are", () => {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const setup = readme.split('\n').find((line) => line.startsWith('npm ci && '));
  expect(setup, 'the first set-up command').toBeDefined();
  const commands = (setup as string).split(' && ').filter((command) => command.startsWith('npx orchestrate '));
  expect(commands.map((command) => command.split(' ').slice(2, 4).join(' '))).toEqual(['validate pipeline', 'pipeline execute']);

  // From a directory holding what the commands name, as a fresh clone does; npm ci and the build are the suite's own.
  using dir = makeTempDir('orchestrate-readme-');
  cpSync(join(PROJECT_ROOT, 'pipelines-example'), join(dir.path, 'pipelines-example'), { recursive: true });
  const env = isolatedEnv(dir.path);
  const [validate, run] = commands.map((command) => runCli(command.split(' ').slice(2), { cwd: dir.path, env }));
  expect(validate?.status, validate?.stdout).toBe(0);
  expect(run?.status, run?.stdout).toBe(0);
  const stdout = run?.stdout ?? '';
  const id = executionIdOf(stdout);
  expect(stdout).toContain(`Execution ${id} succeeded`);
  const outputs = join(dir.path, '.orchestration', 'executions', id, 'output');
  expect(stdout).toContain(`Outputs:   ${outputs}`);
  expect(existsSync(join(outputs, 'warehouse.sqlite'))).toBe(true);
  expect(stdout).toMatch(/^Artifacts: /m);
});
