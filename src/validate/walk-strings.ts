import type { ValuePath } from '../spec/locate.js';

/**
 * Visits every string in a value with its path. The path array is reused between
 * calls for speed: copy it (`[...path]`) before keeping it.
 */
export function walkStrings(value: unknown, visit: (text: string, path: ValuePath) => void): void {
  const path: (string | number)[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === 'string') return visit(node, path);
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) {
        path.push(index);
        walk(node[index]);
        path.pop();
      }
    } else if (typeof node === 'object' && node !== null) {
      for (const key of Object.keys(node)) {
        path.push(key);
        walk((node as Record<string, unknown>)[key]);
        path.pop();
      }
    }
  };
  walk(value);
}
