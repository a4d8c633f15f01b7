import { Command } from 'commander';
import { controllerStartCommand } from './controller-start.js';
import { controllerSyncCommand } from './controller-sync.js';
import { deployListCommand } from './deploy-list.js';
import { deployRollbackCommand, deployUnpinCommand } from './deploy-rollback.js';
import { deployStatusCommand } from './deploy-status.js';

/** `orchestrate deploy list|status|rollback|unpin`: the deployments of a repository's branch. */
export function deployCommand(): Command {
  return new Command('deploy')
    .description('Deployments of a branch: list them, show drift, roll back and pin, unpin.')
    .addCommand(deployListCommand())
    .addCommand(deployStatusCommand())
    .addCommand(deployRollbackCommand())
    .addCommand(deployUnpinCommand());
}

/** `orchestrate controller start|sync`: the reconcile loop and its API. */
export function controllerCommand(): Command {
  return new Command('controller')
    .description('The long-running controller: reconciles a branch into deployments and runs deploy-triggered executions.')
    .addCommand(controllerStartCommand())
    .addCommand(controllerSyncCommand());
}
