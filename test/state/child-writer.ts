import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const SOURCE = join(import.meta.dirname, '..', '..', 'src');

/**
 * Makes the state sources runnable by a plain `node` child without a build: each file of
 * src/state (and src/errors.ts) transpiled to ESM in `directory`. Transpiling is per file and
 * type-free, so it takes milliseconds and never depends on a stale dist/.
 */
export function transpileState(directory: string): void {
  mkdirSync(join(directory, 'state'), { recursive: true });
  writeFileSync(join(directory, 'package.json'), '{ "type": "module" }\n');
  const files = ['errors.ts', ...readdirSync(join(SOURCE, 'state')).map((name) => join('state', name))];
  for (const file of files.filter((name) => name.endsWith('.ts'))) {
    const output = ts.transpileModule(readFileSync(join(SOURCE, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
      fileName: file,
    });
    writeFileSync(join(directory, file.replace(/\.ts$/, '.js')), output.outputText);
  }
}

/**
 * A writer that appends batches of 1–5 events forever, each naming its batch and size
 * (`b<n>/<index>/<size>`) and padded to up to ~48 KiB so one write spans several pages and a
 * SIGKILL can land inside it. Prints `appending` after its first durable append.
 */
const WRITER = `
import { FileStateStore } from './state/file-store.js';
const [directory, executionId, tag, limit] = process.argv.slice(2);
const store = new FileStateStore({ directory });
for (let batch = 0; limit === undefined || batch < Number(limit); batch++) {
  const size = 1 + Math.floor(Math.random() * 5);
  const pad = 'x'.repeat(Math.floor(Math.random() * 10_000));
  const events = Array.from({ length: size }, (_, index) => ({ type: 'task.ready', task: tag + batch + '/' + index + '/' + size, pad, mono_ns: '0', at: new Date().toISOString() }));
  await store.append({ executionId, events });
  if (batch === 0) process.stdout.write('appending\\n');
}
await store[Symbol.asyncDispose]();
`;

export function writeWriterScript(directory: string): string {
  const path = join(directory, 'writer.mjs');
  writeFileSync(path, WRITER);
  return path;
}

/** Starts the writer and resolves once it has made its first append. */
export async function startWriter(script: string, args: readonly string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('appending') && resolve());
    child.once('exit', (code, signal) => reject(new Error(`writer exited (${code ?? signal}) before appending: ${stderr}`)));
  });
  return child;
}

/** Waits for the child to be gone (and reaped, so its pid is free for stale-lock checks). */
export async function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await once(child, 'exit');
}
