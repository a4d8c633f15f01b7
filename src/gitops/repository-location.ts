import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { redactUrl } from '../validate/connections/redact-url.js';

/** The environment variable holding a token for `https://` repositories. */
export const TOKEN_ENV = 'ORCHESTRATE_GIT_TOKEN';

/** Where a repository lives and how to reach it; secrets kept apart from everything that is shown. */
export interface RepositoryLocation {
  /** What messages, logs and the ledger may show: the URL without credentials, or the absolute path. */
  display: string;
  /** What `git fetch` is given: never carries credentials (they travel in `authHeader`). */
  fetchUrl: string;
  /** `Authorization` header value for `https://`, built from the URL's userinfo or the token. */
  authHeader?: string;
  /** Values that must never appear in any message (the token, the URL's password). */
  secrets: string[];
  /** A local path: names like `HEAD~1` or `origin/main` resolve in that repository, as its user means them. */
  local: boolean;
  /** A file-system safe name, the same for the same repository: `<basename>-<hash>`. */
  stableName: string;
}

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const SCP_LIKE = /^[^/@:\s]+@[^/:\s]+:/;

/** Parses `--repo`: a local path, `file://`, `https://` (token from the environment) or ssh. */
export function locateRepository(repo: string, env: NodeJS.ProcessEnv = process.env): RepositoryLocation {
  if (repo.trim() === '') throw new UsageError('`--repo` is empty; give a local path or a Git URL');
  if (SCP_LIKE.test(repo) && !SCHEME.test(repo)) return withName({ display: repo, fetchUrl: repo, secrets: [], local: false });
  if (!SCHEME.test(repo)) {
    const path = resolve(repo);
    if (!existsSync(path)) throw new UsageError(`Repository \`${repo}\` does not exist (looked for ${path}); give a local path or a Git URL`);
    return withName({ display: path, fetchUrl: path, secrets: [], local: true });
  }
  let url: URL;
  try {
    url = new URL(repo);
  } catch (error) {
    throw new UsageError(`\`--repo\` is not a valid URL: ${redactUrl(repo)}`, { cause: redactUrl(String(error)) });
  }
  const protocol = url.protocol.replace(/:$/, '');
  if (!['https', 'http', 'file', 'ssh', 'git'].includes(protocol)) {
    throw new UsageError(`Repository URLs use https://, ssh://, git:// or file://, got \`${protocol}://\``);
  }
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  // Both spellings could reach a message: git echoes the URL as given, percent-encoding and all.
  const secrets = [password, url.password].filter((secret) => secret !== '');
  url.username = '';
  url.password = '';
  const display = url.href;
  if (protocol !== 'https' && protocol !== 'http') return withName({ display, fetchUrl: display, secrets, local: false });
  const token = env[TOKEN_ENV];
  const credentials = password !== '' ? `${username}:${password}` : token ? `x-access-token:${token}` : undefined;
  if (token) secrets.push(token);
  if (credentials === undefined) return withName({ display, fetchUrl: display, secrets, local: false });
  const encoded = Buffer.from(credentials).toString('base64');
  return withName({ display, fetchUrl: display, authHeader: `Authorization: Basic ${encoded}`, secrets: [...secrets, encoded], local: false });
}

/** Removes userinfo from URLs and every known secret from a text before anyone sees it. */
export function sanitize(text: string, location: Pick<RepositoryLocation, 'secrets'>): string {
  let clean = redactUrl(text);
  for (const secret of location.secrets) if (secret.length > 0) clean = clean.split(secret).join('***');
  return clean;
}

function withName(location: Omit<RepositoryLocation, 'stableName'>): RepositoryLocation {
  const base = location.display.replace(/[/\\]+$/, '').split(/[/\\:]/).pop()?.replace(/\.git$/, '') ?? 'repo';
  const safe = base.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '') || 'repo';
  const digest = createHash('sha256').update(location.display).digest('hex').slice(0, 12);
  return { ...location, stableName: `${safe}-${digest}` };
}
