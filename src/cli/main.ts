#!/usr/bin/env node
import { CommanderError } from 'commander';
import { OrchestrateError, SpecError, UsageError } from '../errors.js';
import { buildProgram } from './program.js';

/** The one place errors become exit codes: 0 success, 1 pipeline or validation failure, 2 usage error. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
  if (error instanceof UsageError) return 2;
  if (error instanceof SpecError) return 1;
  return 1;
}

/** A reader that stops early (`orchestrate history list | head -1`) is not an error of ours: stop quietly. */
function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

async function main(argv: string[]): Promise<void> {
  exitQuietlyOnClosedPipe(process.stdout);
  exitQuietlyOnClosedPipe(process.stderr);
  const program = buildProgram();
  const override = (command: typeof program): void => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  override(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = exitCodeOf(error);
    if (error instanceof CommanderError) return;
    if (error instanceof OrchestrateError) {
      process.stderr.write(`error: ${error.message}\n`);
    } else {
      process.stderr.write(`internal error: ${(error as Error)?.stack ?? String(error)}\n`);
    }
  }
}

await main(process.argv);
