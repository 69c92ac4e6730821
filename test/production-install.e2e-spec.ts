import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createDatabase } from './support/test-app.js';
import { freePort } from './support/free-port.js';
import { ensureBuilt, root, startServerProcess } from './support/server-process.js';

/** One stage of the Dockerfile: its base image, its name (`AS …`) and its instructions, continuations joined. */
interface Stage {
  base: string;
  name?: string;
  instructions: { op: string; args: string }[];
}

function dockerStages(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  for (const line of lines) {
    const [, op, args] = /^(\S+)\s+(.*)$/.exec(line)!;
    if (op.toUpperCase() === 'FROM') {
      const [, base, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args.trim())!;
      stages.push({ base, name, instructions: [] });
    } else {
      stages.at(-1)!.instructions.push({ op: op.toUpperCase(), args: args.trim() });
    }
  }
  return stages;
}

const all = (s: Stage, op: string) => s.instructions.filter((i) => i.op === op).map((i) => i.args);

const stages = dockerStages(readFileSync(path.join(root, 'Dockerfile'), 'utf8'));
const runtime = stages.at(-1)!;
const stageNamed = (name: string) => stages.find((s) => s.name === name)!;
/** `COPY --from=<stage> <source> <dest>` lines of the runtime stage, by the source's stage. */
const copiesFrom = (from: string) =>
  all(runtime, 'COPY')
    .map((a) => /^--from=(\S+)\s+(\S+)\s+(\S+)$/.exec(a))
    .filter((m): m is RegExpExecArray => m !== null && m[1] === from)
    .map((m) => ({ source: m[2], dest: m[3] }));

/**
 * The Dockerfile's production image, checked without Docker (CI has none): its layout is read from the
 * Dockerfile itself, then rebuilt in a temporary folder as the image has it (package.json, the production
 * dependencies installed by the Dockerfile's own `npm ci` line, and the compiled dist/ with the web
 * client), and started by the Dockerfile's own command, with NODE_ENV=production, against a fresh
 * PostgreSQL database. Nothing of this checkout is reachable from there: a runtime import of a
 * development dependency, or of a source file outside dist/, fails this test.
 */
describe('the production image layout (Dockerfile), without Docker', () => {
  it('builds once, installs production dependencies only, runs as a user that is not root, and runs dist/src/main.js', () => {
    const build = stageNamed('build');
    expect(build).toBeDefined();
    expect(all(build, 'RUN').join(' && ')).toMatch(/npm ci\b/);
    expect(all(build, 'RUN').join(' && ')).toContain('npm run build && npm run build:web && npm run build:cli');

    const deps = stages.find((s) => all(s, 'RUN').some((r) => /npm ci\b.*--omit=dev/.test(r)));
    expect(deps?.name).toBeDefined();
    expect(deps).not.toBe(runtime);
    expect(copiesFrom(deps!.name!)).toEqual([{ source: '/app/node_modules', dest: './node_modules' }]);
    expect(copiesFrom('build')).toEqual([{ source: '/app/dist', dest: './dist' }]);
    // Nothing else of the build stage (sources, dev dependencies) reaches the image.
    expect(all(runtime, 'COPY').filter((c) => !c.startsWith('--from='))).toEqual(['package.json ./']);
    expect(all(runtime, 'RUN').join(' ')).not.toMatch(/\bnpm\b/);

    const users = all(runtime, 'USER');
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    expect(all(runtime, 'WORKDIR')).toEqual(['/app']);
    expect(JSON.parse(all(runtime, 'CMD')[0])).toEqual(['node', 'dist/src/main.js']);
    expect(all(runtime, 'ENV').join(' ')).toContain('NODE_ENV=production');

    // Every stage on an image of a Node version the dependencies support (package.json `engines`).
    const engines = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } })
      .engines.node;
    const minimumMajor = Number(/>=\s*(\d+)/.exec(engines)![1]);
    for (const s of stages) {
      const [, major] = /^node:(\d+)-/.exec(s.base) ?? [];
      expect(Number(major)).toBeGreaterThanOrEqual(minimumMajor);
    }

    // The build context leaves out local state, secrets and anything built or installed here.
    const ignored = readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['node_modules', 'dist', 'data', '.env', '.git']) expect(ignored).toContain(entry);
  });

  it('rebuilt in an empty folder (production dependencies, dist, package.json), starts in production mode and is ready', async () => {
    await ensureBuilt(); // `npm run build`, as the build stage does; the global setup builds the web client and the CLI
    expect(existsSync(path.join(root, 'dist', 'web', 'index.html'))).toBe(true);
    expect(existsSync(path.join(root, 'dist', 'cli', 'strongroom-cli.tgz'))).toBe(true);

    const work = await mkdtemp(path.join(os.tmpdir(), 'sr-image-'));
    const db = await createDatabase();
    try {
      // The dependencies stage: its COPY of the manifests, then its own RUN line, word for word.
      const deps = stages.find((s) => all(s, 'RUN').some((r) => /npm ci\b.*--omit=dev/.test(r)))!;
      const depsDir = path.join(work, 'deps');
      await mkdir(depsDir);
      for (const copy of all(deps, 'COPY')) {
        const parts = copy.split(/\s+/);
        for (const file of parts.slice(0, -1)) await cp(path.join(root, file), path.join(depsDir, file));
      }
      for (const run of all(deps, 'RUN')) {
        await promisify(execFile)('sh', ['-c', run], {
          cwd: depsDir,
          // From the cache `npm ci` of this checkout filled; the registry only for what it lacks.
          env: { ...process.env, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' },
          maxBuffer: 16 * 1024 * 1024,
        });
      }

      // The runtime stage: package.json, the dependencies stage's node_modules, the build stage's dist/.
      const app = path.join(work, 'app');
      await mkdir(app);
      await cp(path.join(root, 'package.json'), path.join(app, 'package.json'));
      await rename(path.join(depsDir, 'node_modules'), path.join(app, 'node_modules'));
      await cp(path.join(root, 'dist'), path.join(app, 'dist'), { recursive: true });

      // Development dependencies are not there (the compiler, the test runner, the bundler, the linter).
      const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
        devDependencies: Record<string, string>;
      };
      // (Not typescript: npm keeps it, as an optional peer dependency of @nestjs/swagger that is in the tree.)
      for (const name of ['jest', 'vite', 'eslint', '@swc/core', 'preact', 'playwright-core']) {
        expect(manifest.devDependencies[name]).toBeDefined();
        expect(existsSync(path.join(app, 'node_modules', name))).toBe(false);
      }
      expect(existsSync(path.join(app, 'node_modules', '@nestjs', 'core'))).toBe(true);

      const env = Object.fromEntries(
        all(runtime, 'ENV')
          .flatMap((e) => e.split(/\s+/))
          .map((kv) => kv.split('=') as [string, string]),
      );
      const [command, ...args] = JSON.parse(all(runtime, 'CMD')[0]) as string[];
      expect(command).toBe('node');
      const port = await freePort();
      const server = startServerProcess(
        {
          ...env,
          HOST: '127.0.0.1', // the image listens on 0.0.0.0 inside its own network; here, loopback only
          PORT: String(port),
          DATABASE_URL: db.url,
          DATA_DIR: path.join(work, 'data'),
          LOG_LEVEL: 'warn',
        },
        'Press Ctrl+C to stop.',
        { cwd: app, args },
      );
      try {
        const out = await server.ready;
        expect(out).not.toContain('Demo partnership'); // production: no demo accounts
        const ready = await fetch(`http://127.0.0.1:${port}/api/ready`);
        expect(ready.status).toBe(200);
        expect(await ready.json()).toMatchObject({ status: 'ready' });
        const page = await fetch(`http://127.0.0.1:${port}/`);
        expect(page.status).toBe(200);
        expect(page.headers.get('content-type')).toContain('text/html');
        expect(await page.text()).toContain('<script'); // the web client, not the "build it first" page
        // The command-line package practitioners install from the server (dist/cli, by the build stage).
        const cli = await fetch(`http://127.0.0.1:${port}/downloads/strongroom-cli.tgz`);
        expect(cli.status).toBe(200);
        expect(cli.headers.get('content-type')).toBe('application/gzip');
        await cli.arrayBuffer();
      } finally {
        server.child.kill('SIGTERM');
        expect(await server.exited).toBe(0);
      }
    } finally {
      await db.drop();
      await rm(work, { recursive: true, force: true });
    }
  }, 300_000);
});
