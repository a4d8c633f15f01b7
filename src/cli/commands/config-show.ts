import { Command, Option } from 'commander';
import { addStoreOptions } from './store-options.js';

export function configShowCommand(): Command {
  return addStoreOptions(
    new Command('show')
      .description('Print the configuration in effect: defaults < config file < environment < flags.')
      .addOption(new Option('--format <format>', 'yaml, json, or env (shell assignments)').choices(['yaml', 'json', 'env']).default('yaml'))
      .option('--show-origin', 'say where each value came from: default, file, env (which variable) or flag')
      .option('--secrets', 'show credentials in URLs instead of ***'),
  )
    .addHelpText('after', `
Example:
  orchestrate config show --format yaml --show-origin`)
    .action(async (flags) => (await import('../actions/config-show.js')).showConfig(flags));
}
