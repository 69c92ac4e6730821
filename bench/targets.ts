/**
 * Issue 17's targets, each judged from this run's figures: met, not met, or not measured (its part
 * was not run). Ratios only ever divide figures of the same run.
 */

/** An XMPP server with a PostgreSQL message archive (Prosody 0.12, MUC) on this machine (issue 17). */
export const XMPP_PEER = { p99Ms: 45.9, maxRate: 255 } as const;

export interface TargetVerdict {
  target: string;
  measured: string | null;
  /** Null when the part that measures it was not run. */
  met: boolean | null;
}

export interface TargetInputs {
  /** Server sends/s and single-row INSERTs/s at each concurrency. */
  sends: { senders: number; serverSendsPerSecond: number; singleRowInsertsPerSecond: number }[] | null;
  /** At 20 members and 200 msg/s: the p99 and the bound 3 × (relay p99 + one connection's commit p99). */
  latency20: { p99ms: number; targetP99BoundMs: number | null } | null;
  /** The last rate that passed the sustained ramp to 20 members (null: none passed). */
  sustained20: { lastPassingRate: number | null } | null;
  /** Send p99 idle and during a bulk expiry. */
  expiry: { idleP99ms: number; duringP99ms: number } | null;
  /** Memory per idle socket, Strongroom's and a bare socket.io server's. */
  idle: { strongroom: { bytesPerSocket: number }; relay: { bytesPerSocket: number } } | null;
}

const verdict = (target: string, measured: string | null, met: boolean | null): TargetVerdict => ({
  target,
  measured,
  met,
});

export function targetVerdicts(x: TargetInputs): TargetVerdict[] {
  const out: TargetVerdict[] = [];
  const sendsTarget = (n: number | string) => `persisted sends/s ≥ 1.0 × single-row INSERTs/s at ${n} connections`;
  if (x.sends)
    for (const s of x.sends) {
      const ratio = s.serverSendsPerSecond / s.singleRowInsertsPerSecond;
      out.push(
        verdict(
          sendsTarget(s.senders),
          `${s.serverSendsPerSecond} / ${s.singleRowInsertsPerSecond} = ${ratio.toFixed(2)}`,
          ratio >= 1,
        ),
      );
    }
  else out.push(verdict(sendsTarget('16 and 64'), null, null));

  const boundTarget = 'p99 at 20 members, 200 msg/s ≤ 3 × (relay p99 + single-row commit p99 at one connection)';
  const peerTarget = `p99 at 20 members, 200 msg/s < ${XMPP_PEER.p99Ms} ms (XMPP peer)`;
  const l = x.latency20;
  out.push(
    l && l.targetP99BoundMs !== null
      ? verdict(boundTarget, `${l.p99ms} ms vs ${l.targetP99BoundMs} ms`, l.p99ms <= l.targetP99BoundMs)
      : verdict(boundTarget, null, null),
    l ? verdict(peerTarget, `${l.p99ms} ms`, l.p99ms < XMPP_PEER.p99Ms) : verdict(peerTarget, null, null),
  );

  const rateGoal = 10 * XMPP_PEER.maxRate;
  const rateTarget = `max sustained rate to 20 members ≥ ${rateGoal} msg/s (10 × the XMPP peer)`;
  const r = x.sustained20;
  out.push(
    r
      ? verdict(rateTarget, `${r.lastPassingRate ?? 0} msg/s`, (r.lastPassingRate ?? 0) >= rateGoal)
      : verdict(rateTarget, null, null),
  );

  const expiryTarget = 'send p99 during bulk expiry ≤ 2 × idle';
  const e = x.expiry;
  out.push(
    e
      ? verdict(expiryTarget, `${e.duringP99ms} ms vs ${e.idleP99ms} ms idle`, e.duringP99ms <= 2 * e.idleP99ms)
      : verdict(expiryTarget, null, null),
  );

  const idleTarget = 'memory per idle socket ≤ 2 × bare socket.io';
  const i = x.idle;
  out.push(
    i
      ? verdict(
          idleTarget,
          `${i.strongroom.bytesPerSocket} vs ${i.relay.bytesPerSocket} bytes`,
          i.strongroom.bytesPerSocket <= 2 * i.relay.bytesPerSocket,
        )
      : verdict(idleTarget, null, null),
  );
  return out;
}
