import { Command } from 'commander';
import { rollbackExecuteCommand } from './rollback-execute.js';

/** `orchestrate rollback …`: rollbacks are new executions; history is never edited. */
export function rollbackCommand(): Command {
  return new Command('rollback').description('Roll executions back to an earlier commit and its stored artifacts.').addCommand(rollbackExecuteCommand());
}
