import { makeGitRepo, type GitFixture } from '../../../bench/support/git-repo.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

export interface TempRepo extends GitFixture, Disposable {}

/** A real Git repository in a temporary directory, removed when the test's `using` scope ends. */
export function makeTempRepo(): TempRepo {
  const dir = makeTempDir('orchestrate-gh-repo-');
  return { ...makeGitRepo(dir.path), [Symbol.dispose]: () => dir[Symbol.dispose]() };
}
