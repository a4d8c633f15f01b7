import { TerminalError } from '../errors.js';

/**
 * Another writer appended first: the compare-and-set on the ledger's last `seq` failed.
 * Terminal for this writer, not transient: retrying the same append would overwrite a decision
 * made by someone else (two replicas finishing one task). The caller must re-read the ledger,
 * fold it, and decide again from what it now says, or stop.
 */
export class ConflictError extends TerminalError {
  constructor(
    readonly executionId: string,
    readonly expectedSeq: number,
    readonly actualSeq: number,
  ) {
    super(
      `Ledger of execution ${executionId} has moved on: expected last seq ${expectedSeq}, found ${actualSeq}. ` +
        'Another writer appended first; re-read the ledger and decide again from its state.',
    );
  }
}

/**
 * A ledger line that is neither valid nor the torn end of the file: the ledger was edited or
 * damaged. Never repaired automatically, because what follows the damage is real history.
 */
export class CorruptLedgerError extends TerminalError {}
