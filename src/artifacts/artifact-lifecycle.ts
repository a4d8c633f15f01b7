import type { AfterSuccess, BeforeAttempt } from '../engine/task-lifecycle.js';
import type { ArtifactStore } from './artifact-store.js';
import { resolveInputs } from './resolve-inputs.js';
import { storeOutputs, type RenderArtifactPath } from './store-outputs.js';

export interface ArtifactLifecycleOptions {
  /** Where outputs are stored and inputs of other executions come from (usually a `FileArtifactStore` under `<workdir>/artifacts`). */
  store: ArtifactStore;
  /**
   * Renders a templated `path`, `upload_to`, `execution` or rule `artifact` for one attempt, with
   * the execution's template scope (`{{ ds }}`, variables, `{{ task.name }}`). May throw a
   * `SpecError`; the task then fails with its message.
   */
  render: RenderArtifactPath;
}

/**
 * The artifact side of a task's attempts. The output directory is each attempt's
 * `spec.env.OUTPUT_DIR`. `beforeAttempt` checks or copies in `input_artifacts`; `afterSuccess`
 * checks `output_artifacts` exist, evaluates `validation_rules` on them, then stores them.
 */
export function createArtifactLifecycle(options: ArtifactLifecycleOptions): { beforeAttempt: BeforeAttempt; afterSuccess: AfterSuccess } {
  return {
    beforeAttempt: (input) => resolveInputs(options, input),
    afterSuccess: (input) => storeOutputs(options, input),
  };
}
