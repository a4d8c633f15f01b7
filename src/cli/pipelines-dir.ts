/** Where pipeline files live in a repository unless `--pipelines-dir` says otherwise. */
export const DEFAULT_PIPELINES_DIR = 'pipelines';
