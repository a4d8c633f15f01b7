import type { PipelineKind } from '../../spec/scaffold.js';

/**
 * Every kind the scaffold knows, as a record so the compiler fails when the two lists differ:
 * importing the scaffold's own list would load the YAML and schema packages for every command.
 */
const KINDS: Record<PipelineKind, true> = { etl: true, ml: true, sync: true, validation: true, custom: true };

/** The choices of `pipeline create --type`, in the order help lists them. */
export const PIPELINE_KINDS = Object.keys(KINDS) as PipelineKind[];
