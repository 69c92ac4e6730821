#!/usr/bin/env node
// Compiles the server (and the SDK and CLI it ships with) into dist/ with tsc, once: the build is skipped
// when nothing it is made from changed since the last one (the hash of src/, contracts/, client/ but the
// web client, the tsconfig files, the lock file and this script). `npm start` runs this on every start,
// and tsc takes half a minute or more, so it must be quick when there is nothing to do. `--force` builds
// anyway.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceHash } from './source-hash.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = path.join(root, 'dist');
const stampFile = path.join(out, '.server-source-hash');
const inputs = [
  'src',
  'contracts',
  'client',
  'tsconfig.json',
  'tsconfig.build.json',
  'package-lock.json',
  'scripts/build-server.mjs',
  'scripts/source-hash.mjs',
];

const force = process.argv.includes('--force');
const hash = await sourceHash(root, inputs, ['client/web']);
const built = existsSync(path.join(out, 'src', 'main.js'));
if (!force && built && (await readFile(stampFile, 'utf8').catch(() => '')) === hash) {
  console.log('Server: up to date (dist).');
  process.exit(0);
}
console.log('Server: compiling into dist (tsc, about half a minute) …');
// A build that fails or is stopped half-way must not look finished to the next start.
await rm(stampFile, { force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status !== 0) {
  console.error('Server: the build failed (the TypeScript errors are above).');
  process.exit(result.status ?? 1);
}
await mkdir(out, { recursive: true });
await writeFile(stampFile, hash);
console.log('Server: built.');
