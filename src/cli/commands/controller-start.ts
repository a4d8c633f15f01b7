import { Command, InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../../spec/quantities.js';
import { DEFAULT_PIPELINES_DIR } from '../pipelines-dir.js';
import { addLedgerOptions } from './ledger-options.js';

export function controllerStartCommand(): Command {
  const command = new Command('start')
    .description('Run the controller: reconcile the branch at start and every interval, serve the deploy API, run deploy-triggered executions.')
    .addOption(new Option('--interval <duration>', 'time between reconciles (30s, 5m)').argParser(durationMs(false)).default(30_000, '30s'))
    .option('--host <address>', 'address the API listens on', '127.0.0.1')
    .option('--port <n>', 'port the API listens on (0: any free port; the address is in <workdir>/controller.json)', port, 0)
    .addOption(new Option('--grace <duration>', 'on SIGTERM/SIGINT, how long running executions may finish before they are cancelled (to resume on restart)').argParser(durationMs(true)).default(30_000, '30s'))
    .addOption(new Option('--lease-ttl <duration>', 'how long a stopped controller\'s leases keep others off its executions and reconciles').argParser(durationMs(false)).default(30_000, '30s'))
    .option('--pipelines-dir <dir>', 'where pipeline files live in the repository', DEFAULT_PIPELINES_DIR)
    .addOption(new Option('--log-format <format>', 'one line per record: text or JSON').choices(['text', 'json']).default('text'));
  addLedgerOptions(command, 'the repository: a local path, file://, https:// (token in ORCHESTRATE_GIT_TOKEN) or ssh (required)');
  return command
    .addHelpText('after', `
API: GET /healthz, GET /api/status, POST /api/sync, POST /webhooks/github (with ORCHESTRATE_GITHUB_WEBHOOK_SECRET).
A second SIGTERM/SIGINT cancels running executions at once. A restarted controller resumes them.

Examples:
  orchestrate controller start --repo https://github.com/acme/pipelines.git --interval 1m
  orchestrate controller start --repo . --branch main --port 8080`)
    .action(async (flags) => {
      process.exitCode = await (await import('../actions/controller-start.js')).startController(flags);
    });
}

function durationMs(allowZero: boolean): (value: string) => number {
  return (value) => {
    const parsed = parseDuration(value);
    if (!parsed.ok || parsed.value < 0 || (!allowZero && parsed.value === 0)) throw new InvalidArgumentError(`Expected a duration such as \`30s\`, \`5m\` or \`1.5s\`, got \`${value}\`.`);
    return Math.round(parsed.value * 1000);
  };
}

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) throw new InvalidArgumentError(`Expected a port from 0 to 65535, got \`${value}\`.`);
  return parsed;
}
