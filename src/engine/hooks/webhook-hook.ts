import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { postJson, type Delivery } from '../../notify/post-json.js';
import { makeRedactor } from '../../executors/redact.js';
import { configString, describeSummary, HOOK_TIMEOUT_DEFAULTS, timeoutSeconds, type HookCall, type HookOutcome } from './hook-call.js';

/**
 * `notify` and `webhook`: POST the execution's summary as JSON, plus `when` and `hook` (and
 * `severity`, `description` when the hook sets them), to `config.webhook` or `config.url`.
 * `config.template` names a JSON file in the repository to send instead, rendered first.
 * `config.headers` (rendered) go with the request, so a token can come from `{{ secrets.X }}`.
 */
export async function runWebhookHook(call: HookCall): Promise<HookOutcome> {
  const template = configString(call, 'template');
  return deliver(call, async () => (template ? renderTemplateFile(call, template) : JSON.stringify(summaryBody(call))));
}

/** `slack`: an incoming webhook takes `{ "text": … }`; the text is `config.message` (rendered) or a one-line summary. */
export async function runSlackHook(call: HookCall): Promise<HookOutcome> {
  const message = configString(call, 'message') ?? configString(call, 'text');
  return deliver(call, async () => JSON.stringify({ text: message ? call.render(message) : redactSummary(call, describeSummary(call)) }));
}

/** Checks the target before the body is built, so a hook without a URL says so first. */
async function deliver(call: HookCall, makeBody: () => Promise<string>): Promise<HookOutcome> {
  const raw = configString(call, 'webhook') ?? configString(call, 'url');
  if (!raw) return { status: 'failed', message: `A \`${call.hook.type}\` hook needs \`config.webhook\` or \`config.url\`; nothing was sent` };
  const url = parseUrl(call.render(raw));
  if (typeof url === 'string') return { status: 'failed', message: url };
  const timeoutMs = timeoutSeconds(call.hook, HOOK_TIMEOUT_DEFAULTS.requestSeconds) * 1000;
  const body = await makeBody();
  const delivery = await postJson(
    { url: url.href, body, headers: renderHeaders(call), timeoutMs },
    {
      ...(call.options.fetch ? { fetch: call.options.fetch } : {}),
      ...(call.options.retryDelayMs === undefined ? {} : { initialDelayMs: call.options.retryDelayMs }),
      signal: call.signal,
    },
  );
  return { status: delivery.delivered ? 'sent' : 'failed', message: describeDelivery(displayUrl(url), delivery) };
}

function summaryBody(call: HookCall): Record<string, unknown> {
  const redact = makeRedactor(call.secrets());
  const body = redactStrings(call.input.summary, redact) as Record<string, unknown>;
  body.when = call.input.when;
  body.hook = call.hook.type;
  if (call.hook.description) body.description = call.hook.description;
  const severity = configString(call, 'severity');
  if (severity) body.severity = call.render(severity);
  return body;
}

/** The summary comes from the run (task output may end up in `reason`): its secrets never travel. */
function redactSummary(call: HookCall, text: string): string {
  return makeRedactor(call.secrets())(text);
}

/** Every string inside a JSON-ready value, redacted; the shape stays as it was. */
function redactStrings(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactStrings(item, redact));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactStrings(item, redact)]));
  return value;
}

async function renderTemplateFile(call: HookCall, template: string): Promise<string> {
  const path = resolve(call.input.spec?.cwd ?? call.options.workspace, call.render(template));
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the template ${template} (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
  const rendered = call.render(text);
  try {
    JSON.parse(rendered);
  } catch (error) {
    throw new Error(`the template ${template} is not valid JSON once rendered (${(error as Error).message}); fix the file`, { cause: error });
  }
  return rendered;
}

function renderHeaders(call: HookCall): Record<string, string> | undefined {
  const headers = call.config.headers;
  if (headers === undefined || headers === null || typeof headers !== 'object' || Array.isArray(headers)) return undefined;
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, call.render(String(value))]));
}

function parseUrl(text: string): URL | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `\`${text}\` is not a valid URL; give an absolute http:// or https:// URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `\`${text}\` is not an http:// or https:// URL`;
  return url;
}

/** Origin and path only: user info and query strings often carry tokens. */
function displayUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function describeDelivery(target: string, delivery: Delivery): string {
  const tries = `${delivery.attempts} attempt${delivery.attempts === 1 ? '' : 's'}`;
  if (delivery.delivered) return `POST ${target}: HTTP ${delivery.status} after ${tries}`;
  if (delivery.stopped) return `POST ${target}: stopped before it was delivered (${tries})`;
  const verdict = delivery.retryable === false ? 'refused, not retried' : `failed after ${tries}`;
  return `POST ${target} ${verdict}: ${delivery.failure ?? 'no response'}`;
}
