import { Command, Option } from 'commander';

export function configSetCommand(): Command {
  return new Command('set')
    .description('Set one key in the configuration file, checked against the configuration schema.')
    .requiredOption('--key <path>', 'dotted key, such as state.redis_url or retry.max_attempts')
    .requiredOption('--value <value>', 'the new value')
    .addOption(new Option('--type <type>', 'how to read --value (default: the key\'s own type)').choices(['string', 'int', 'bool', 'float', 'json']))
    .option('--dry-run', 'print the resulting file instead of writing it')
    .addHelpText('after', `
Exit status: 0 when set, 2 for an unknown key or a value the key does not accept.

Examples:
  orchestrate config set --key state.redis_url --value redis://localhost:6379/0
  orchestrate config set --key retry.max_attempts --value 5 --type int`)
    .action(async (flags) => (await import('../actions/config-set.js')).setConfig(flags));
}
