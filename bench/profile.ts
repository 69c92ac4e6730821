/**
 * CPU profiles of the server's thread during a part of the bench: `BENCH_PROFILE=<dir> npm run bench --
 * sends` writes `<dir>/<label>.cpuprofile` (open it in Chrome's DevTools, Performance tab) and
 * `<dir>/<label>.txt`, where the thread's time is summed by where it went. Without BENCH_PROFILE nothing
 * is sampled. Only this thread is sampled: the clients run on their own thread or process.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Where a frame's code lives, in the groups the summary sums by. */
function area(url: string, fn: string): string {
  if (!url) {
    if (fn === '(idle)') return 'idle (waiting for I/O)';
    if (fn === '(garbage collector)') return 'garbage collection';
    if (fn === '(program)') return 'V8 and native code outside JavaScript';
    return `native: ${fn || '(anonymous)'}`;
  }
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return `library: ${m[1]}`;
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/')[0]}`;
  if (url.includes('/dist/src/') || url.includes('/src/')) return 'Strongroom server';
  return url;
}

function summarise(p: Profile, label: string): string {
  // Each sample's time is the delta that follows it (the V8 profile format).
  const time = new Map<number, number>();
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) time.set(samples[i], (time.get(samples[i]) ?? 0) + (deltas[i + 1] ?? 0));
  const total = [...time.values()].reduce((a, b) => a + b, 0);
  const byArea = new Map<string, number>();
  const byFn = new Map<string, number>();
  for (const n of p.nodes) {
    const us = time.get(n.id) ?? 0;
    if (!us) continue;
    const { functionName: fn, url, lineNumber } = n.callFrame;
    const a = area(url, fn);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
    const where = url ? `${url.replace(/^.*?(node_modules|dist|src)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${fn || '(anonymous)'} ${where}`.trim();
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  const idle = byArea.get('idle (waiting for I/O)') ?? 0;
  const busy = total - idle;
  const line = (k: string, us: number) =>
    `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${k}`;
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .filter(([k]) => k !== 'idle (waiting for I/O)' && k !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => line(k, us));
  return [
    `${label}: ${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms busy (${((100 * busy) / total).toFixed(0)} %); shares below are of the busy time`,
    '',
    'by area:',
    ...top(byArea, 25),
    '',
    'by function (self time):',
    ...top(byFn, 40),
    '',
  ].join('\n');
}

/** Runs `fn`, sampling this thread's CPU when BENCH_PROFILE names a directory. */
export async function profiled<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
    session.disconnect();
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, `${label}.cpuprofile`), JSON.stringify(profile));
    await writeFile(path.join(dir, `${label}.txt`), summarise(profile, label));
    process.stderr.write(`  profile of the server's thread: ${path.join(dir, `${label}.txt`)}\n`);
  }
}
