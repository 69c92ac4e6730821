import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import { SignatureWorker, type Ed25519Check } from './signature-worker.js';

function keyPair(): { key: KeyObject; signer: (m: Buffer) => Buffer } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return { key: publicKey, signer: (m) => sign(null, m, privateKey) };
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('SignatureWorker', () => {
  const alice = keyPair();
  const bob = keyPair();
  const message = Buffer.from('a sealed message, as signed');
  const good: Ed25519Check = { publicKey: alice.key, message, signature: alice.signer(message) };
  const flipped = Buffer.from(good.signature);
  flipped[5] ^= 1;

  /** Each check with the verdict it must get. */
  const cases: [string, Ed25519Check, boolean][] = [
    ['the signer’s own signature', good, true],
    ['a signature with one bit changed', { ...good, signature: flipped }, false],
    ['the message changed after signing', { ...good, message: Buffer.from('a sealed message, altered') }, false],
    ['another person’s key', { ...good, publicKey: bob.key }, false],
    ['a key of another kind', { ...good, publicKey: generateKeyPairSync('x25519').publicKey }, false],
    ['a signature of the wrong length', { ...good, signature: good.signature.subarray(0, 63) }, false],
    ['an empty signature', { ...good, signature: Buffer.alloc(0) }, false],
  ];

  let worker: SignatureWorker;
  beforeEach(() => (worker = new SignatureWorker()));
  afterEach(() => worker.close());

  it('gives each check its own verdict, in one job for a turn of the event loop', async () => {
    const verdicts = await Promise.all(cases.map(([, check]) => worker.verify(check)));
    expect(verdicts).toEqual(cases.map(([, , expected]) => expected));
    expect(worker.jobsSent).toBe(1);

    // Another turn, another job; its checks are answered as theirs, not the first job's.
    const again = await Promise.all([worker.verify(cases[1][1]), worker.verify(good)]);
    expect(again).toEqual([false, true]);
    expect(worker.jobsSent).toBe(2);
  });

  it('loses no check when the worker stops with a job in hand, and starts another for the next', async () => {
    // A job long enough to be in the worker's hands when it is stopped.
    const many = Array.from({ length: 400 }, (_, i) => (i % 3 ? good : cases[1][1]));
    const answers = Promise.all(many.map((c) => worker.verify(c)));
    await turn();
    expect(worker.jobsSent).toBe(1);
    await (worker['worker'] as Worker).terminate();
    expect(await answers).toEqual(many.map((c) => c === good));

    expect(await worker.verify(good)).toBe(true);
    expect(worker.jobsSent).toBe(2);
  });

  it('checks on this thread once closed, with the same verdicts', async () => {
    await worker.verify(good);
    await worker.close();
    const verdicts = await Promise.all(cases.map(([, check]) => worker.verify(check)));
    expect(verdicts).toEqual(cases.map(([, , expected]) => expected));
    expect(worker.jobsSent).toBe(1);
  });
});
