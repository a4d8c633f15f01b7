import { Command } from 'commander';
import { configInitCommand } from './config-init.js';
import { configSetCommand } from './config-set.js';
import { configShowCommand } from './config-show.js';

export function configCommand(): Command {
  return new Command('config')
    .description('Create, inspect and change the configuration file.')
    .addCommand(configInitCommand())
    .addCommand(configShowCommand())
    .addCommand(configSetCommand());
}
