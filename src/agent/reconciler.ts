/**
 * Reconcile: the peer's placements in pins_by_peer (what should be) against kubo's pins (what
 * is), on start and every `agent.reconcile_interval`. It is what makes the agent converge after
 * its own crash, a kubo restart, a pin removed by hand, or placement changes it missed: the
 * stream is only the fast path.
 *
 * Kubo is listed first and the store second, so a CID the agent pins while the store is being
 * read is simply not in kubo's list (nothing to undo); CIDs with work in the queue are left to
 * the queue, whose want is newer than this pass's reading.
 */
import { parseCid } from '../domain/cid.js';
import type { Logger } from '../log.js';
import type { PeerPin } from '../store/reads.js';
import { reconcileAction } from './decisions.js';
import type { Acker, PlacementCounts } from './executor.js';
import type { KuboApi } from './kubo-client.js';
import { holdingsByCid, NOT_HELD } from './ledger.js';
import type { AgentMetrics } from './metrics.js';
import type { WorkQueue } from './work-queue.js';

export interface ReconcileDeps {
  readonly kubo: KuboApi;
  readonly rows: () => AsyncIterable<PeerPin>;
  readonly queue: WorkQueue;
  readonly acker: Acker;
  readonly pinNamePrefix: string;
  readonly counts: PlacementCounts;
  readonly metrics: AgentMetrics;
  readonly logger: Logger;
}

export interface ReconcileReport {
  readonly rows: number;
  readonly kuboPins: number;
  readonly pin: number;
  readonly unpin: number;
  readonly ackPinned: number;
  readonly ackUnpinned: number;
  readonly busy: number;
  readonly pinned: number;
}

/** Acks in flight at once during a pass (they batch in the producer). */
const ACK_WINDOW = 256;

function canonical(cid: string): string {
  try {
    return parseCid(cid).text;
  } catch {
    return cid;
  }
}

export async function reconcileOnce(deps: ReconcileDeps): Promise<ReconcileReport> {
  const { queue, metrics } = deps;
  const kuboPins = await deps.kubo.pinLsAll();
  const holdings = holdingsByCid(
    deps.pinNamePrefix,
    kuboPins.map((p) => ({ ...p, cid: canonical(p.cid) })),
  );
  const report = { rows: 0, kuboPins: holdings.size, pin: 0, unpin: 0, ackPinned: 0, ackUnpinned: 0, busy: 0, pinned: 0 };
  let acks: Promise<void>[] = [];
  const flushAcks = async (): Promise<void> => {
    const batch = acks;
    acks = [];
    await Promise.all(batch);
  };

  for await (const row of deps.rows()) {
    if (queue.stopped) break;
    report.rows += 1;
    const held = holdings.get(row.cid) ?? NOT_HELD;
    holdings.delete(row.cid);
    if (row.desired && held.pinned) report.pinned += 1;
    if (queue.has(row.cid)) {
      report.busy += 1;
      continue;
    }
    const action = reconcileAction(row, held);
    switch (action.kind) {
      case 'pin':
        report.pin += 1;
        metrics.reconcileActions.inc({ action: 'pin' });
        await queue.put(row.cid, 'pin');
        break;
      case 'unpin':
        report.unpin += 1;
        metrics.reconcileActions.inc({ action: 'unpin' });
        await queue.put(row.cid, 'unpin', action.ack);
        break;
      case 'ack':
        if (action.state === 'pinned') report.ackPinned += 1;
        else report.ackUnpinned += 1;
        metrics.reconcileActions.inc({ action: `ack_${action.state}` });
        if (action.state === 'pinned') deps.counts.errors.delete(row.cid);
        acks.push(deps.acker.ack(row.cid, action.state));
        if (acks.length >= ACK_WINDOW) await flushAcks();
        break;
      case 'none':
        break;
    }
  }
  await flushAcks();

  // Agent-named pins with no row at all: their placement ended while the agent was away.
  for (const [cid, held] of holdings) {
    if (queue.stopped) break;
    if (!held.managed || queue.has(cid)) continue;
    report.unpin += 1;
    metrics.reconcileActions.inc({ action: 'unpin' });
    await queue.put(cid, 'unpin', false);
  }
  deps.counts.pinned = report.pinned;
  metrics.pinned.set(report.pinned);
  return report;
}
