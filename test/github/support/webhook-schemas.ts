import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { PROJECT_ROOT } from '../../helpers/run-cli.js';

/** GitHub's webhook payload schemas, from @octokit/openapi-webhooks (the api.github.com description). */
const WEBHOOKS_FILE = join(PROJECT_ROOT, 'node_modules', '@octokit', 'openapi-webhooks', 'generated', 'api.github.com.json');

/** Problems of a payload against `components/schemas/webhook-<event>-<action>`; empty when valid. */
export function checkWebhookPayload(schemaName: string, payload: unknown): string[] {
  const validate = ajv().getSchema(`webhooks#/components/schemas/${schemaName}`);
  if (!validate) throw new Error(`No webhook schema ${schemaName}`);
  return validate(payload) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
}

let instance: Ajv | undefined;

function ajv(): Ajv {
  if (!instance) {
    // Formats are not checked: the fixtures' URLs and dates are placeholders, the shape is what matters.
    instance = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    instance.addSchema(JSON.parse(readFileSync(WEBHOOKS_FILE, 'utf8')) as object, 'webhooks');
  }
  return instance;
}
