/**
 * Credentials never leave the validator: every URL shown in a message, a code frame or a log
 * has its `user:pass@` part removed first (Flux's `SanitizeError` does the same for Git URLs).
 */

const SCHEME = /[a-z][a-z0-9+.-]*:\/\//gi;
/** Characters that end a URL written inside a longer string. */
const URL_END = /[\s"'<>`]/;
/** `user:password@` where the password holds a raw `/`: not a valid URL, but written that way often enough to leak. */
const LOOSE_USERINFO = /^[^/?#@:]*:[^@]*@/;

/** Start and end (exclusive) of each `userinfo@` in the text, the `@` included. */
export function findUserinfo(text: string): { start: number; end: number }[] {
  // Templates may hold spaces, `/` or `@`; hide them behind same-length filler so offsets stay valid.
  const plain = text.replace(/\{\{[\s\S]*?\}\}/g, (template) => 'T'.repeat(template.length));
  const spans: { start: number; end: number }[] = [];
  for (const match of plain.matchAll(SCHEME)) {
    const start = match.index + match[0].length;
    let end = start;
    while (end < plain.length && !URL_END.test(plain.charAt(end))) end++;
    const candidate = plain.slice(start, end);
    const authorityEnd = candidate.search(/[/?#]/);
    const authority = authorityEnd === -1 ? candidate : candidate.slice(0, authorityEnd);
    let at = authority.lastIndexOf('@');
    if (at === -1) at = (LOOSE_USERINFO.exec(candidate)?.[0].length ?? 0) - 1;
    if (at >= 0) spans.push({ start, end: start + at + 1 });
  }
  return spans;
}

/** Removes `user:pass@` (and a bare `user@`) from every URL in the text. */
export function redactUrl(text: string): string {
  let result = text;
  for (const { start, end } of findUserinfo(text).reverse()) result = result.slice(0, start) + result.slice(end);
  return result;
}

/**
 * Replaces `user:pass` with `*` of the same length, so a code frame's caret still lines up.
 * Templates stay readable: `{{ secrets.PASSWORD }}` names a secret without holding it.
 */
export function maskUrlCredentials(text: string): string {
  let result = text;
  for (const { start, end } of findUserinfo(text).reverse()) {
    const masked = text.slice(start, end - 1).replace(/\{\{[\s\S]*?\}\}|[\s\S]/g, (part) => (part.length > 1 ? part : '*'));
    result = result.slice(0, start) + masked + result.slice(end - 1);
  }
  return result;
}
