import type { Logger } from 'pino';
import { createGithubClient } from '../../github/github-client.js';
import { loadGithubSettings } from '../../github/github-settings.js';
import { getPullRequest } from '../../github/pull-requests.js';
import { publishValidation } from '../../github/publish-validation.js';
import { createWebhookReceiver, type WebhookReceiver } from '../../github/webhook-receiver.js';
import type { Controller } from '../../gitops/controller/controller.js';
import type { RepositoryLocation } from '../../gitops/repository-location.js';
import { validateRepository } from '../../gitops/validate-repository.js';

const SECRET = 'ORCHESTRATE_GITHUB_WEBHOOK_SECRET';

/**
 * The GitHub webhook receiver the controller mounts, when a webhook secret is configured
 * (`ORCHESTRATE_GITHUB_WEBHOOK_SECRET` or `…_FILE`): a push to the branch reconciles now, a pull
 * request is validated and reported as a check run, a comment and a commit status.
 */
export function createControllerWebhooks(options: {
  env: NodeJS.ProcessEnv;
  repo: string;
  location: RepositoryLocation;
  workdir: string;
  branch: string;
  controller: Controller;
  logger: Logger;
}): WebhookReceiver | undefined {
  if (!options.env[SECRET] && !options.env[`${SECRET}_FILE`]) return undefined;
  const settings = loadGithubSettings(options.env);
  const octokit = createGithubClient({ token: settings.token, baseUrl: settings.apiUrl });
  const repository = settings.repository;
  // Annotation paths are relative to the repository: a local one is its own root, a URL's is this checkout.
  const repositoryRoot = options.location.local ? options.location.display : process.cwd();
  return createWebhookReceiver({
    secret: settings.webhookSecret,
    repository: `${repository.owner}/${repository.repo}`,
    branch: options.branch,
    onPush: async () => {
      await options.controller.reconcile('webhook');
    },
    onPullRequest: async (pull) => {
      const range = pull.baseSha && pull.headSha ? { baseSha: pull.baseSha, headSha: pull.headSha } : await getPullRequest(octokit, repository, pull.number);
      const validate = () => validateRepository({ repo: options.repo, base: range.baseSha, head: range.headSha, workdir: options.workdir });
      const published = await publishValidation(octokit, { repository, headSha: range.headSha, pullNumber: pull.number }, validate, { status: true, fullReport: 'the controller log', repositoryRoot });
      options.logger.info({ pull: pull.number, conclusion: published.conclusion }, `pull request #${pull.number} validated at ${range.headSha.slice(0, 12)}: ${published.conclusion}`);
    },
    logger: options.logger,
  });
}
