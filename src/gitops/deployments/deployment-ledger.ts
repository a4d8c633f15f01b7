import { createHash, randomUUID } from 'node:crypto';
import type { DeploymentEventBody, LedgerEvent, NewEvent } from '../../state/events.js';
import type { StateStore } from '../../state/state-store.js';
import { foldDeployments, type DeploymentState } from './deployment-fold.js';

/**
 * The ledger of one repository's branch deployments, kept in the state store beside the
 * executions (both backends), under an id derived from the repository and branch. Appends
 * are compare-and-set on the folded state, so two replicas cannot both deploy.
 *
 * The events read so far are kept: each `state()` reads only what was appended since (by anyone),
 * so a long-running controller does not parse its whole history, every deployment with the
 * version of every pipeline, a few times per reconcile.
 */
export class DeploymentLedger {
  readonly ledgerId: string;
  private events: LedgerEvent[] = [];

  constructor(
    private readonly store: StateStore,
    readonly repositoryKey: string,
    readonly branch: string,
  ) {
    const digest = createHash('sha256').update(`${repositoryKey}\0${branch}`).digest('hex').slice(0, 16);
    this.ledgerId = `deployments.${digest}`;
  }

  async state(): Promise<DeploymentState> {
    const lastSeq = this.events.at(-1)?.seq ?? 0;
    const added = await this.store.read(this.ledgerId, { afterSeq: lastSeq });
    // Seqs are contiguous from 1: anything else means the ledger is not the one read before.
    if (added.length > 0 && added[0]?.seq !== lastSeq + 1) this.events = await this.store.read(this.ledgerId);
    else if (added.length > 0) this.events = [...this.events, ...added];
    return foldDeployments(this.events);
  }

  /** Appends on top of `basis` (its `last_seq`); throws ConflictError when someone appended first. */
  async append(basis: DeploymentState, bodies: readonly DeploymentEventBody[]): Promise<void> {
    const at = new Date().toISOString();
    const mono = process.hrtime.bigint().toString();
    const events = bodies.map((body) => ({ ...body, at, mono_ns: mono }) as NewEvent);
    const { lastSeq } = await this.store.append({ executionId: this.ledgerId, events, expectedSeq: basis.last_seq });
    // What was just written need not be read back: the next state() reads only what follows it.
    if ((this.events.at(-1)?.seq ?? 0) === basis.last_seq) {
      const firstSeq = lastSeq - events.length + 1;
      this.events = [...this.events, ...events.map((event, index) => ({ ...event, seq: firstSeq + index, execution_id: this.ledgerId }) as LedgerEvent)];
    }
  }

  static newDeploymentId(): string {
    return randomUUID();
  }
}
