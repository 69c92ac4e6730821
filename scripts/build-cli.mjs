#!/usr/bin/env node
// Builds the installable command-line package: the CLI, the SDK and every library they use bundled by
// esbuild into a few files with no dependencies, packed by `npm pack` into
// dist/cli/strongroom-cli-<version>.tgz (and strongroom-cli.tgz, the name the server offers it under at
// /downloads/). A practitioner installs it with `npm install -g <server>/downloads/strongroom-cli.tgz`: no
// repository, no build. Skipped when nothing it is made from changed since the last build; `--force`
// builds anyway. `npm start` runs it on every start, so it must be quick when there is nothing to do.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceHash } from './source-hash.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = path.join(root, 'dist', 'cli');
const pkgDir = path.join(out, 'package');
const stampFile = path.join(out, '.source-hash');
const inputs = [
  'client/cli',
  'client/sdk',
  'contracts',
  'package.json',
  'package-lock.json',
  'scripts/build-cli.mjs',
  'scripts/source-hash.mjs',
];
/** The tarball's stable name: what the server offers and the landing page links to. */
export const CLI_TARBALL = 'strongroom-cli.tgz';

const force = process.argv.includes('--force');
const { version } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8'));
const hash = await sourceHash(root, inputs);
if (!force && existsSync(path.join(out, CLI_TARBALL)) && (await readFile(stampFile, 'utf8').catch(() => '')) === hash) {
  console.log('Command-line package: up to date (dist/cli).');
  process.exit(0);
}
console.log('Command-line package: building into dist/cli …');
await rm(out, { recursive: true, force: true });
await mkdir(pkgDir, { recursive: true });

const { build } = await import('esbuild');
try {
  await build({
    absWorkingDir: root,
    // Two programs: the command, and the unlock agent it starts (client/cli/agent/start.ts looks for
    // `daemon.mjs` beside itself, so every file lands in bin/, chunks included).
    entryPoints: { strongroom: 'client/cli/main.ts', daemon: 'client/cli/agent/daemon.ts' },
    outdir: path.join(pkgDir, 'bin'),
    outExtension: { '.js': '.mjs' },
    chunkNames: 'shared-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    // Bundled CommonJS libraries call require() for Node's own modules: give each file one.
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __srCreateRequire } from 'node:module';\nconst require = __srCreateRequire(import.meta.url);",
    },
    define: { STRONGROOM_CLI_VERSION: JSON.stringify(version) },
    legalComments: 'linked',
    logLevel: 'warning',
  });
} catch (err) {
  console.error(`Command-line package: the build failed.\n${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

const manifest = {
  name: 'strongroom-cli',
  version,
  description:
    'The Strongroom command line: end-to-end encrypted collaboration for Information Sharing Agreement partners.',
  license: 'UNLICENSED',
  type: 'module',
  bin: { strongroom: 'bin/strongroom.mjs' },
  files: ['bin', 'README.md'],
  engines: { node: '>=20.19' },
};
await writeFile(path.join(pkgDir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
await copyFile(path.join(root, 'client/cli/package/README.md'), path.join(pkgDir, 'README.md'));

// npm itself packs it, so the tarball is exactly what npm installs. npm_execpath is set when run by npm.
const npm = process.env.npm_execpath
  ? [process.execPath, [process.env.npm_execpath]]
  : [process.platform === 'win32' ? 'npm.cmd' : 'npm', []];
const packed = spawnSync(npm[0], [...npm[1], 'pack', '--silent', '--pack-destination', out], {
  cwd: pkgDir,
  encoding: 'utf8',
});
if (packed.status !== 0) {
  console.error(`Command-line package: npm pack failed.\n${packed.stderr}`);
  process.exit(1);
}
await copyFile(path.join(out, `strongroom-cli-${version}.tgz`), path.join(out, CLI_TARBALL));
await writeFile(stampFile, hash);
console.log(`Command-line package: built (dist/cli/strongroom-cli-${version}.tgz).`);
