import { distance } from 'fastest-levenshtein';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { didYouMean, makeSuggester, suggest } from '../../src/validate/suggest.js';

/** The plain definition `makeSuggester` must agree with: the first candidate at the smallest distance, if close enough. */
function reference(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const candidateDistance = distance(input.toLowerCase(), candidate.toLowerCase());
    if (candidateDistance < bestDistance) {
      best = candidate;
      bestDistance = candidateDistance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}

describe('suggest', () => {
  it.each([
    { name: 'a one-letter typo', input: 'extarct', candidates: ['extract', 'transform'], want: 'extract' },
    { name: 'case only', input: 'Load', candidates: ['load', 'LOAD'], want: 'load' },
    { name: 'the first of two at the same distance', input: 'task_1', candidates: ['task_2', 'task_3'], want: 'task_2' },
    { name: 'nothing close enough', input: 'orders', candidates: ['customers', 'inventory'], want: undefined },
    { name: 'no candidates', input: 'x', candidates: [], want: undefined },
  ])('$name', ({ input, candidates, want }) => {
    expect(suggest(input, candidates)).toBe(want);
    expect(makeSuggester(candidates)(input)).toBe(want);
  });

  it('answers as the plain definition does, for any inputs and candidates, asked repeatedly', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'A', 'B', '_', '.', '1', 'İ'), maxLength: 9 });
    fc.assert(
      fc.property(fc.array(word, { maxLength: 30 }), fc.array(word, { minLength: 1, maxLength: 10 }), (candidates, inputs) => {
        const suggester = makeSuggester(candidates);
        for (const input of [...inputs, ...inputs]) expect(suggester(input)).toBe(reference(input, candidates));
      }),
      { numRuns: 500 },
    );
  });

  it('formats the hint from a list or a suggester alike', () => {
    expect(didYouMean('shel', ['shell', 'http'])).toBe('; did you mean `shell`?');
    expect(didYouMean('shel', makeSuggester(['shell', 'http']))).toBe('; did you mean `shell`?');
    expect(didYouMean('zzzz', ['shell'])).toBe('');
  });
});
