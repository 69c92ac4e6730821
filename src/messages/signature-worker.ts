import type { KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { verifyEd25519 } from '../identity/device-proof.js';

/**
 * One check: the signer's Ed25519 public key (a KeyObject, which a worker receives as a clone of the same
 * key, so it is built once, on this thread), the signed bytes, the signature.
 */
export interface Ed25519Check {
  publicKey: KeyObject;
  message: Buffer;
  signature: Buffer;
}

interface Job {
  checks: Ed25519Check[];
  verdicts: Promise<boolean[]>;
  resolve: (verdicts: boolean[]) => void;
}

function newJob(): Job {
  let resolve: (verdicts: boolean[]) => void = () => undefined;
  const verdicts = new Promise<boolean[]>((r) => (resolve = r));
  return { checks: [], verdicts, resolve };
}

/** A worker that stopped this many times is not started again (each time would cost a thread's start). */
const MAX_LOSSES = 3;

/**
 * The worker's whole program, plain CommonJS (an `eval` worker: nothing to build or resolve, the same in
 * dist, tsx and jest). Each message is a job of checks; it answers with one verdict per check, in order.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { verify } = require('node:crypto');
parentPort.on('message', ({ id, checks }) => {
  const verdicts = checks.map((c) => {
    try {
      return verify(null, c.message, c.publicKey, c.signature);
    } catch {
      return false;
    }
  });
  parentPort.postMessage({ id, verdicts });
});
`;

/**
 * Ed25519 checks on a worker thread of their own, every check asked for in one turn of the event loop
 * sent as one job. Measured on this project's loaded two-core machine, what the server's thread pays to
 * hand a check over is mostly waking a sleeping thread (about 80 µs, as much as checking it here), so
 * one wake-up per turn rather than one per check (libuv's pool, `crypto.verify` with a callback) is what
 * saves the time (docs/performance.md).
 *
 * A check is never lost: if the worker cannot start or stops, its jobs in flight and every later one
 * until it is started again are checked on this thread instead (`verifyEd25519`, the same verdicts).
 */
export class SignatureWorker {
  private worker: Worker | null = null;
  /** No worker threads here, or the worker kept stopping: every check on this thread from now on. */
  private broken = false;
  private losses = 0;
  private closed = false;
  private nextId = 1;
  private readonly inFlight = new Map<number, Job>();
  private gathering: Job | null = null;
  /** Jobs sent to the worker (for tests: one per turn of the event loop). */
  jobsSent = 0;

  /** Whether the signature is the key's over the message; never rejects. */
  verify(check: Ed25519Check): Promise<boolean> {
    let job = this.gathering;
    if (!job) {
      const gathered = (job = this.gathering = newJob());
      setImmediate(() => this.dispatch(gathered));
    }
    const i = job.checks.push(check) - 1;
    return job.verdicts.then((verdicts) => verdicts[i]);
  }

  /** Stops the worker; later checks are made on this thread. */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
    this.failInFlight();
  }

  private dispatch(job: Job): void {
    if (this.gathering === job) this.gathering = null;
    const worker = this.started();
    if (!worker) return job.resolve(onThisThread(job.checks));
    const id = this.nextId++;
    this.inFlight.set(id, job);
    this.jobsSent++;
    try {
      worker.postMessage({ id, checks: job.checks });
    } catch {
      // The worker is going (its exit will be heard): this job is checked here now, not left waiting.
      this.inFlight.delete(id);
      job.resolve(onThisThread(job.checks));
    }
  }

  private started(): Worker | null {
    if (this.worker) return this.worker;
    if (this.closed || this.broken) return null;
    try {
      const worker = new Worker(WORKER_SOURCE, { eval: true, name: 'ed25519 signature checks' });
      worker.unref(); // never what keeps the process alive
      worker.on('message', ({ id, verdicts }: { id: number; verdicts: boolean[] }) => {
        const job = this.inFlight.get(id);
        this.inFlight.delete(id);
        job?.resolve(verdicts);
      });
      const lost = (): void => {
        if (this.worker !== worker) return;
        this.worker = null;
        if (++this.losses >= MAX_LOSSES) this.broken = true;
        this.failInFlight();
      };
      worker.on('error', lost);
      worker.on('exit', lost);
      this.worker = worker;
      return worker;
    } catch {
      this.broken = true;
      return null;
    }
  }

  /** The jobs the worker had, checked here: it has gone, and a check is never dropped. */
  private failInFlight(): void {
    const jobs = [...this.inFlight.values()];
    this.inFlight.clear();
    for (const job of jobs) job.resolve(onThisThread(job.checks));
  }
}

function onThisThread(checks: Ed25519Check[]): boolean[] {
  return checks.map((c) => verifyEd25519(c.publicKey, c.message, c.signature));
}
