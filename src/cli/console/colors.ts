import type { EventLine } from './describe-event.js';

/** ANSI styles for the few things colour makes easier to scan; identity functions when off. */
export interface Palette {
  tag(tag: EventLine['tag']): string;
  dim(text: string): string;
  bold(text: string): string;
  status(status: string): string;
}

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, gray: 90 } as const;
const TAG_COLOR: Record<EventLine['tag'], keyof typeof CODES> = {
  RUN: 'cyan',
  DONE: 'green',
  FAIL: 'red',
  RETRY: 'yellow',
  SKIP: 'gray',
  CANCEL: 'yellow',
  ARTIFACT: 'blue',
  HOOK: 'magenta',
  INFO: 'gray',
};
const STATUS_COLOR: Record<string, keyof typeof CODES> = { succeeded: 'green', failed: 'red', cancelled: 'yellow', skipped: 'gray', running: 'cyan' };

export function makePalette(color: boolean): Palette {
  const paint = (code: number, text: string) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  return {
    tag: (tag) => paint(CODES[TAG_COLOR[tag]], `[${tag}]`.padEnd(10)),
    dim: (text) => paint(CODES.gray, text),
    bold: (text) => paint(1, text),
    status: (status) => {
      const name = STATUS_COLOR[status];
      return name ? paint(CODES[name], status) : status;
    },
  };
}
