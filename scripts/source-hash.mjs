// The hash of the files a build is made from, so that a build whose inputs have not changed since the
// last one can be skipped (scripts/build-server.mjs, client/web/build.mjs). Content only: a checkout, a
// copy or a `touch` does not count as a change.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Every file under `inputs` (paths relative to `root`: folders or single files), in a fixed order, names
 * and contents. `node_modules`, unit specs (`*.spec.ts`, never built) and the relative paths in `skip`
 * are left out.
 */
export async function sourceHash(root, inputs, skip = []) {
  const skipped = new Set(skip.map((s) => path.normalize(s)));
  async function* files(rel) {
    if (skipped.has(path.normalize(rel))) return;
    const entries = await readdir(path.join(root, rel), { withFileTypes: true }).catch((err) => {
      if (err.code === 'ENOTDIR') return null;
      throw err;
    });
    if (!entries) return yield rel;
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name === 'node_modules' || e.name.endsWith('.spec.ts')) continue;
      yield* files(path.join(rel, e.name));
    }
  }
  const h = createHash('sha256');
  for (const input of inputs) {
    for await (const f of files(input))
      h.update(f)
        .update('\0')
        .update(await readFile(path.join(root, f)))
        .update('\0');
  }
  return h.digest('hex');
}
