/**
 * A path glob as a regular expression: `**` crosses directories, `*` and `?` stay within one,
 * `?(a|b)` is an optional group, `{a,b}` a choice. Enough for the action's `pipelines` input
 * (default `pipelines/**\/*.y?(a)ml`) without a glob library in the bundle.
 */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let index = 0; index < glob.length; index++) {
    const char = glob[index] as string;
    if (char === '*' && glob[index + 1] === '*') {
      const slash = glob[index + 2] === '/';
      source += slash ? '(?:[^/]+/)*' : '.*';
      index += slash ? 2 : 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?' && glob[index + 1] === '(') {
      const end = glob.indexOf(')', index);
      if (end < 0) throw new Error(`Unclosed "?(" in the glob ${JSON.stringify(glob)}`);
      source += `(?:${glob.slice(index + 2, end).split('|').map(escape).join('|')})?`;
      index = end;
    } else if (char === '?') source += '[^/]';
    else if (char === '{') {
      const end = glob.indexOf('}', index);
      if (end < 0) throw new Error(`Unclosed "{" in the glob ${JSON.stringify(glob)}`);
      source += `(?:${glob.slice(index + 1, end).split(',').map(escape).join('|')})`;
      index = end;
    } else source += escape(char);
  }
  return new RegExp(`^${source}$`);
}

/** The directory part of a glob before its first wildcard: where to start looking. */
export function globBase(glob: string): string {
  const parts = glob.split('/');
  const fixed = parts.slice(0, parts.findIndex((part) => /[*?{]/.test(part)));
  return fixed.join('/');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
