#!/usr/bin/env node
// Builds the web client into dist/web, once: a build is skipped when nothing it is made from changed
// since the last one (the hash of its sources, the SDK's, the contracts' and the lock file). `npm start`
// runs this on every start, so it must be quick when there is nothing to do.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { sourceHash } from '../../scripts/source-hash.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = path.join(root, 'dist', 'web');
const stampFile = path.join(out, '.source-hash');
const inputs = ['client/web', 'client/sdk', 'contracts', 'package-lock.json'];

const force = process.argv.includes('--force');
const hash = await sourceHash(root, inputs);
if (!force && (await readFile(stampFile, 'utf8').catch(() => '')) === hash) {
  console.log('Web client: up to date (dist/web).');
  process.exit(0);
}
console.log('Web client: building into dist/web …');
const { build } = await import('vite');
try {
  await build({ configFile: path.join(root, 'client/web/vite.config.ts'), logLevel: 'warn' });
} catch (err) {
  console.error(`Web client: the build failed.\n${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

// Precompressed copies: the server sends the smallest one the browser accepts, without compressing per request.
const assets = path.join(out, 'assets');
for (const name of await readdir(assets)) {
  if (!/\.(js|css|svg|json|wasm)$/.test(name)) continue;
  const body = await readFile(path.join(assets, name));
  await writeFile(path.join(assets, `${name}.gz`), await promisify(gzip)(body, { level: 9 }));
  await writeFile(
    path.join(assets, `${name}.br`),
    await promisify(brotliCompress)(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  );
}
await writeFile(stampFile, hash);
console.log('Web client: built.');
