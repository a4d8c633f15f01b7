import { Command } from 'commander';
import { validatePipelineCommand } from './commands/validate-pipeline.js';
import { validateRepoCommand } from './commands/validate-repo.js';
import { runCommand } from './commands/run.js';
import { pipelineCreateCommand } from './commands/pipeline-create.js';
import { pipelineExecuteCommand } from './commands/pipeline-execute.js';
import { artifactCommand } from './commands/artifact-download.js';
import { stateCommand } from './commands/state-command.js';
import { historyListCommand } from './commands/history-list.js';
import { logsCommand } from './commands/logs.js';
import { configCommand } from './commands/config-command.js';
import { controllerCommand, deployCommand } from './commands/deploy-command.js';
import { rollbackCommand } from './commands/rollback-command.js';
import { packageVersion } from './package-info.js';

/** The `orchestrate` command tree; each command is a thin layer over a domain. */
export function buildProgram(): Command {
  const program = new Command('orchestrate')
    .description('GitOps pipeline-as-code for data pipelines: validate, plan and run pipelines defined in YAML.')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureHelp({ sortSubcommands: true });

  program
    .command('validate')
    .description('Validate pipelines before they run or merge.')
    .addCommand(validatePipelineCommand())
    .addCommand(validateRepoCommand());

  program
    .command('pipeline')
    .description('Create and run pipelines.')
    .addCommand(pipelineCreateCommand())
    .addCommand(pipelineExecuteCommand());

  program.addCommand(runCommand());
  program.addCommand(artifactCommand());

  program.addCommand(stateCommand());
  program.command('history').description('List past and running executions.').addCommand(historyListCommand());
  program.addCommand(logsCommand());
  program.addCommand(configCommand());
  program.addCommand(controllerCommand());
  program.addCommand(deployCommand());
  program.addCommand(rollbackCommand());

  return program;
}
