import type { Logger } from 'pino';
import { createGithubClient } from '../../github/github-client.js';
import { loadGithubSettings } from '../../github/github-settings.js';
import { createPullRequestReporter } from '../../github/pull-request-reporter.js';
import { createWebhookReceiver, type WebhookReceiver } from '../../github/webhook-receiver.js';
import type { Controller } from '../../gitops/controller/controller.js';
import { validateRepository } from '../../gitops/validate-repository.js';

const SECRET = 'ORCHESTRATE_GITHUB_WEBHOOK_SECRET';

/**
 * The GitHub webhook receiver the controller mounts, when a webhook secret is configured
 * (`ORCHESTRATE_GITHUB_WEBHOOK_SECRET` or `…_FILE`): a push to the branch reconciles now, a pull
 * request is validated and reported as a check run, a comment and a commit status.
 */
export function createControllerWebhooks(options: { env: NodeJS.ProcessEnv; repo: string; workdir: string; branch: string; controller: Controller; logger: Logger }): WebhookReceiver | undefined {
  if (!options.env[SECRET] && !options.env[`${SECRET}_FILE`]) return undefined;
  const settings = loadGithubSettings(options.env);
  const octokit = createGithubClient({ token: settings.token, baseUrl: settings.apiUrl });
  return createWebhookReceiver({
    secret: settings.webhookSecret,
    repository: settings.repository,
    branch: options.branch,
    onPush: async () => {
      await options.controller.reconcile('webhook');
    },
    onPullRequest: createPullRequestReporter({
      octokit,
      repository: settings.repository,
      validate: ({ baseSha, headSha }) => validateRepository({ repo: options.repo, base: baseSha, head: headSha, workdir: options.workdir }),
    }),
    logger: options.logger,
  });
}
