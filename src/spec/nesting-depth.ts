/**
 * Measures how deeply a YAML text nests before it is parsed: the parser recurses per level
 * and a few thousand levels exhaust the stack or memory, so hostile files are refused first.
 * Counts block indentation levels, compact `- - -` sequences and flow brackets outside quotes
 * and comments. It over-approximates nothing a real pipeline uses.
 */
const BLOCK_SCALAR_HEADER = /[:-]\s+[|>][-+0-9]*\s*(#.*)?\r?\n?$/;

export function measureNestingDepth(text: string, limit: number): { depth: number; exceededAt?: number } {
  const indents: number[] = [];
  let flow = 0;
  let maxDepth = 0;
  let index = 0;
  let blockScalarIndent = -1;
  const length = text.length;
  while (index < length) {
    const lineStart = index;
    let column = 0;
    while (index < length && text.charCodeAt(index) === 32) { index++; column++; }
    const first = text.charCodeAt(index);
    const blank = index >= length || first === 10 || first === 13 || first === 35;
    if (blockScalarIndent >= 0 && (blank || column > blockScalarIndent)) {
      // Inside a `|` or `>` block scalar: its lines are text, not structure.
      const end = text.indexOf('\n', index);
      index = end === -1 ? length : end + 1;
      continue;
    }
    blockScalarIndent = -1;
    if (!blank && flow === 0) {
      while (indents.length > 0 && (indents[indents.length - 1] as number) >= column) indents.pop();
      indents.push(column);
    }
    let lineDepth = indents.length;
    // Compact sequences: "- - - x" opens one level per dash.
    while (text.charCodeAt(index) === 45 && text.charCodeAt(index + 1) === 32) { lineDepth++; index += 2; while (text.charCodeAt(index) === 32) index++; }
    let quote = 0;
    for (; index < length; index++) {
      const code = text.charCodeAt(index);
      if (code === 10) { index++; break; }
      if (quote !== 0) {
        if (code === quote) quote = 0;
        else if (code === 92 && quote === 34) index++;
        continue;
      }
      if (code === 34 || code === 39) {
        // A quote opens a string only where a scalar can start.
        const previous = text.charCodeAt(index - 1);
        if (index === lineStart || previous === 32 || previous === 91 || previous === 123 || previous === 44 || previous === 58) quote = code;
      } else if (code === 35 && (index === lineStart || text.charCodeAt(index - 1) === 32)) {
        while (index < length && text.charCodeAt(index) !== 10) index++;
        index++;
        break;
      } else if (code === 91 || code === 123) {
        flow++;
        if (lineDepth + flow > limit) return { depth: lineDepth + flow, exceededAt: index };
      } else if ((code === 93 || code === 125) && flow > 0) {
        flow--;
      }
    }
    if (flow === 0 && BLOCK_SCALAR_HEADER.test(text.slice(lineStart, index))) blockScalarIndent = column;
    const depth = lineDepth + flow;
    if (depth > maxDepth) maxDepth = depth;
    if (maxDepth > limit) return { depth: maxDepth, exceededAt: lineStart };
  }
  return { depth: maxDepth };
}
