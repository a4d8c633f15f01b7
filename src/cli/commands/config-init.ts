import { Command } from 'commander';

export function configInitCommand(): Command {
  return new Command('init')
    .description('Write a configuration file (AUTO_ORCHESTRATOR_CONFIG_PATH, else ~/.config/auto-orchestrator/config.yaml).')
    .option('--redis-url <url>', 'keep state in this Redis (state.backend becomes redis)')
    .option('--workdir <path>', 'work directory for the embedded state, logs and executions')
    .option('--log-level <level>', 'DEBUG, INFO, WARNING or ERROR')
    .option('--k8s-namespace <name>', 'Kubernetes namespace for the kubernetes executor')
    .option('--executor <type>', 'default executor: local, docker, or k8s (kubernetes)')
    .option('--dry-run', 'print the file instead of writing it')
    .option('--force', 'replace an existing configuration file')
    .addHelpText('after', `
Example:
  orchestrate config init --redis-url redis://localhost:6379/0 --workdir /var/lib/orchestration --log-level INFO --executor k8s --k8s-namespace data-pipelines`)
    .action(async (flags) => (await import('../actions/config-init.js')).initConfig(flags));
}
