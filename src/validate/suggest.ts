import { distance } from 'fastest-levenshtein';

/** Answers "which candidate did the user mean?" for one fixed candidate list. */
export type Suggester = (input: string) => string | undefined;

/** The closest candidate when it is close enough to be a typo, for "did you mean" hints. */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  return makeSuggester([...candidates])(input);
}

/**
 * `suggest` for many inputs against one list (every task of a pipeline, for each unknown dependency):
 * the candidates are lower-cased once and the answers remembered, and a candidate whose length alone
 * puts it further away than the best so far, or than a typo can be, is never measured.
 * The answer is the same as `suggest`'s: the first candidate at the smallest distance.
 */
export function makeSuggester(candidates: readonly string[]): Suggester {
  // A repeated candidate never wins (only a strictly smaller distance replaces the best), so keep the first.
  const originals = [...new Set(candidates)];
  const lowered = originals.map((candidate) => candidate.toLowerCase());
  const answers = new Map<string, string | undefined>();
  return (input) => {
    if (answers.has(input)) return answers.get(input);
    const lower = input.toLowerCase();
    const allowed = Math.max(2, Math.floor(input.length / 3));
    let best: string | undefined;
    let bestDistance = Infinity;
    for (let index = 0; index < lowered.length; index++) {
      const candidate = lowered[index] as string;
      // The edit distance is at least the difference in length.
      const gap = Math.abs(candidate.length - lower.length);
      if (gap > allowed || gap >= bestDistance) continue;
      const candidateDistance = distance(lower, candidate);
      if (candidateDistance < bestDistance) {
        best = originals[index];
        bestDistance = candidateDistance;
        if (candidateDistance === 0) break;
      }
    }
    const answer = bestDistance <= allowed ? best : undefined;
    answers.set(input, answer);
    return answer;
  };
}

export function didYouMean(input: string, candidates: Iterable<string> | Suggester): string {
  const hint = typeof candidates === 'function' ? candidates(input) : suggest(input, candidates);
  return hint === undefined ? '' : `; did you mean \`${hint}\`?`;
}
