import { walkStrings } from '../walk-strings.js';
import type { ValidationContext } from '../context.js';

/** Shapes of credentials that should never be committed; each names what it found, never the value. */
const CREDENTIAL_SHAPES: { name: string; pattern: RegExp }[] = [
  { name: 'a password in a URL', pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@{}]+:([^/\s@{}]+)@/i },
  { name: 'an AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { name: 'a private key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { name: 'a GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})\b/ },
  { name: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { name: 'a Slack webhook URL', pattern: /hooks\.slack\.com\/services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]+/ },
  { name: 'a Stripe live key', pattern: /\b[rs]k_live_[A-Za-z0-9]{16,}/ },
  { name: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { name: 'a JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/ },
];

/** A literal every shape above contains: most strings hold none of them and skip the nine patterns. */
const ANY_SHAPE = /:\/\/|AKIA|ASIA|-----BEGIN |gh[pousr]_|github_pat_|xox|hooks\.slack\.com|k_live_|AIza|eyJ/;

/** Keys whose literal values are secrets whatever they look like. */
export const SECRET_KEY_NAME = /(PASSWORD|PASSWD|TOKEN|SECRET|_KEY$|^KEY$|APIKEY|API_KEY|CREDENTIAL|AUTHORIZATION)/i;

/** strict/credential: credentials written into the pipeline, located at the value. */
export function checkCredentials(context: ValidationContext): void {
  walkStrings(context.source.value, (text, path) => {
    for (const shape of ANY_SHAPE.test(text) ? CREDENTIAL_SHAPES : []) {
      const match = shape.pattern.exec(text);
      if (!match) continue;
      const needle = match[1] ?? match[0];
      context.report('strict/credential', [...path], `${shape.name} is written into the pipeline; use \`{{ secrets.NAME }}\` or \`{{ env.NAME }}\` and rotate it`, { within: { needle } });
      return;
    }
    const key = path[path.length - 1];
    if (typeof key === 'string' && SECRET_KEY_NAME.test(key) && text.trim() !== '' && !text.includes('{{')) {
      context.report('strict/credential', [...path], `\`${key}\` holds a literal value; secrets belong in \`{{ secrets.${key} }}\` or \`{{ env.${key} }}\``);
    }
  });
}
