/**
 * One base class; each subclass names what the caller must do. Edges map kinds in one place:
 * the CLI to exit codes, the server to HTTP statuses, the reconciler to requeue or stop.
 */
export class OrchestrateError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The command line was wrong: fix the flags (exit 2). */
export class UsageError extends OrchestrateError {}

/** The pipeline or its inputs are wrong: the user must fix them (exit 1). */
export class SpecError extends OrchestrateError {}

/** Worth retrying later: the network, a lock, a busy service. */
export class TransientError extends OrchestrateError {}

/** Failed for good; retrying cannot help. */
export class TerminalError extends OrchestrateError {}

/** A bug in auto-orchestrator itself. */
export class InternalError extends OrchestrateError {}
