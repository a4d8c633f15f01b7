/** What a secret is replaced with in captured output. */
export const REDACTED = '[redacted]';

/**
 * Builds a function that replaces every occurrence of every secret with `[redacted]`. Output is
 * captured line by line, so a multi-line secret (a PEM key) is also masked line by line; empty
 * values are ignored, since masking "" would mangle every line. Longer secrets are tried first so
 * one that contains another is masked whole.
 */
export function makeRedactor(secrets: readonly string[]): (text: string) => string {
  const parts = new Set<string>();
  for (const secret of secrets) {
    for (const part of secret.split(/\r?\n/)) if (part.length > 0) parts.add(part);
  }
  if (parts.size === 0) return (text) => text;
  const alternatives = [...parts].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = new RegExp(alternatives.join('|'), 'g');
  return (text) => text.replace(pattern, REDACTED);
}

/** The longest secret part, in UTF-8 bytes: how much a truncated line must keep so no secret is cut in half. */
export function longestSecretBytes(secrets: readonly string[]): number {
  let longest = 0;
  for (const secret of secrets) longest = Math.max(longest, Buffer.byteLength(secret));
  return longest;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
