import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI, PROJECT_ROOT, runCli, UNBUNDLED_CLI, type CliResult } from '../helpers/run-cli.js';
import { makeTempDir } from '../helpers/temp-dir.js';
import { isolatedEnv } from './execute-support.js';

/**
 * Every command pays for the modules it loads before it does anything, so `--help` and a short
 * run stay quick only while each command loads its own implementation and nothing more. Time
 * itself is not asserted (the machine is shared): what loads is.
 */
const RECORD_LOADS = `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(process.env.LOADED_MODULES_FILE, url + '\\n');
  return next(url, context);
}
`;

interface TracedRun {
  result: CliResult;
  /** Packages loaded, by name (`@octokit/rest`, `yaml`). */
  packages: string[];
  /** The project's own modules loaded, relative to `dist/src`. */
  modules: string[];
}

/** Runs a built CLI in `dir` with a module loader hook that lists every file it loads. */
function loadedFiles(dir: ReturnType<typeof makeTempDir>, args: readonly string[], cli: string): { result: CliResult; urls: string[] } {
  dir.write('hooks/record-loads.mjs', RECORD_LOADS);
  const register = dir.write('hooks/register.mjs', `import { register } from 'node:module';\nregister('./record-loads.mjs', import.meta.url);\n`);
  const list = join(dir.path, 'loaded-modules.txt');
  const result = runCli(args, {
    cli,
    cwd: dir.path,
    env: isolatedEnv(dir.path, { ORCHESTRATION_WORKDIR: join(dir.path, 'work'), LOADED_MODULES_FILE: list, NODE_OPTIONS: `--import ${pathToFileURL(register).href}` }),
  });
  return { result, urls: readFileSync(list, 'utf8').trim().split('\n') };
}

/** The module-by-module build, where every file a command loads shows, packages included. */
function runTraced(dir: ReturnType<typeof makeTempDir>, args: readonly string[]): TracedRun {
  const { result, urls } = loadedFiles(dir, args, UNBUNDLED_CLI);
  const packages = new Set(urls.flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []));
  const distSrc = `${pathToFileURL(join(PROJECT_ROOT, 'dist', 'src')).href}/`;
  return { result, packages: [...packages].sort(), modules: urls.filter((url) => url.startsWith(distSrc)).map((url) => url.slice(distSrc.length)) };
}

/** The project's modules that hold what a command does, as opposed to its name, flags and help. */
const implementations = (modules: readonly string[]) => modules.filter((module) => module.startsWith('cli/actions/') || module.startsWith('cli/console/'));

describe('CLI start-up', () => {
  it.each([
    ['the command tree', ['--help']],
    ['pipeline execute', ['pipeline', 'execute', '--help']],
    ['state get', ['state', 'get', '--help']],
    ['rollback execute', ['rollback', 'execute', '--help']],
  ])('prints the help of %s from the command definitions alone', (_name, args) => {
    using dir = makeTempDir('orchestrate-start-up-');
    const traced = runTraced(dir, args);
    expect(traced.result.status).toBe(0);
    expect(traced.result.stdout).toMatch(/^Usage: orchestrate/);
    expect(traced.packages).toEqual(['commander']);
    expect(implementations(traced.modules)).toEqual([]);
  });

  it('runs a pipeline without loading what other commands need', () => {
    using dir = makeTempDir('orchestrate-start-up-');
    dir.write('noop.yaml', 'version: "2.1"\nname: noop_once\nstages:\n  - name: s\n    tasks:\n      - { name: a, type: noop }\n');
    const traced = runTraced(dir, ['pipeline', 'execute', '--repo', '.', '--pipeline', 'noop.yaml']);
    expect(traced.result.stderr).toBe('');
    expect(traced.result.status).toBe(0);
    expect(traced.result.stdout).toMatch(/^Execution [0-9a-f-]{36} succeeded/m);
    expect(traced.packages.filter((name) => /^(@octokit\/|ioredis$|pg$|ajv$)/.test(name))).toEqual([]);
    const otherCommands = /^cli\/actions\/(artifact|config|controller|deploy|history|logs|rollback|run\.js|state|validate)/;
    expect(implementations(traced.modules).filter((module) => otherCommands.test(module))).toEqual([]);
  });
  it('keeps each command of the bundle users run in a chunk of its own, loaded only by that command', () => {
    using dir = makeTempDir('orchestrate-start-up-');
    // A command's implementation is the chunk named after its action module; other chunks hold shared code or a lazily loaded package.
    const actions = new Set(readdirSync(join(PROJECT_ROOT, 'src', 'cli', 'actions')).map((name) => name.replace(/\.ts$/, '')));
    const commands = (urls: readonly string[]) =>
      urls
        .filter((url) => url.includes('/dist/cli/chunks/'))
        .map((url) => url.slice(url.lastIndexOf('/') + 1).replace(/-[A-Z0-9]+\.mjs$/, ''))
        .filter((name) => actions.has(name));
    const help = loadedFiles(dir, ['--help'], CLI);
    expect(help.result.status).toBe(0);
    expect(help.urls[0]).toBe(pathToFileURL(CLI).href);
    expect(commands(help.urls)).toEqual([]);
    dir.write('noop.yaml', 'version: "2.1"\nname: noop_once\nstages:\n  - name: s\n    tasks:\n      - { name: a, type: noop }\n');
    const run = loadedFiles(dir, ['pipeline', 'execute', '--repo', '.', '--pipeline', 'noop.yaml'], CLI);
    expect(run.result.status).toBe(0);
    expect(commands(run.urls)).toEqual(['pipeline-execute']);
    // Packages are inside the bundle, so nothing is read from node_modules.
    expect(run.urls.filter((url) => url.includes('/node_modules/'))).toEqual([]);
  });
});
