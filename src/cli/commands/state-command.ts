import { Command } from 'commander';
import { stateArchiveCommand } from './state-archive.js';
import { stateCleanupCommand } from './state-cleanup.js';
import { stateGetCommand } from './state-get.js';
import { stateSetCommand } from './state-set.js';

export function stateCommand(): Command {
  return new Command('state')
    .description('Read, correct, clean up and archive execution state.')
    .addCommand(stateGetCommand())
    .addCommand(stateSetCommand())
    .addCommand(stateCleanupCommand())
    .addCommand(stateArchiveCommand());
}
