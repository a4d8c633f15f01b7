import { OrchestrateError } from '../errors.js';
import { runAction } from './action-run.js';

/** Replaced with the package version when the action is bundled. */
declare const ORCHESTRATE_VERSION: string | undefined;
const version = typeof ORCHESTRATE_VERSION === 'string' ? ORCHESTRATE_VERSION : '0.0.0-dev';

try {
  const result = await runAction(process.env, version);
  if (result.exitCode !== 0) console.log(`::error::${result.errors} error${result.errors === 1 ? '' : 's'} in the pipelines; see the annotations and ${result.sarifFile}`);
  process.exitCode = result.exitCode;
} catch (error) {
  // Our own errors carry a message written for the user; anything else is a bug worth its stack.
  const text = error instanceof OrchestrateError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.log(`::error::${text.replace(/\r?\n/g, '%0A')}`);
  process.exitCode = 1;
}
