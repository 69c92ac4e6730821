import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.join(__dirname, '..');

/** Runs scripts/build-server.mjs as `npm start` does, in a small project laid out like this one. */
async function build(dir: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [path.join(dir, 'scripts/build-server.mjs')],
      {
        cwd: dir,
      },
    );
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

/**
 * `npm start` compiles the server only when what it is made from changed: these tests run the real build
 * script (and the real tsc) on a project of a few files with this repository's layout, so each build
 * takes a second rather than the server's half minute.
 */
describe('the server build (scripts/build-server.mjs)', () => {
  let dir: string;
  const write = async (rel: string, text: string) => {
    await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await writeFile(path.join(dir, rel), text);
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sr-build-'));
    await cp(path.join(root, 'scripts'), path.join(dir, 'scripts'), { recursive: true });
    await symlink(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
    const compilerOptions = { target: 'ES2022', module: 'nodenext', strict: true, outDir: 'dist', rootDir: '.' };
    await write('tsconfig.json', JSON.stringify({ compilerOptions: { ...compilerOptions, types: [] } }));
    await write(
      'tsconfig.build.json',
      JSON.stringify({
        extends: './tsconfig.json',
        include: ['contracts', 'src', 'client'],
        exclude: ['client/web', '**/*.spec.ts'],
      }),
    );
    await write('package-lock.json', '{"lockfileVersion": 3}\n');
    await write('src/main.ts', "export const greeting: string = 'one';\n");
    await write('contracts/shared.ts', 'export const answer = 42;\n');
    await write('client/web/app.ts', 'export const page = 1;\n');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('compiles on the first start, then skips tsc until a source or the lock file changes or dist is gone; a failed compile is tried again', async () => {
    const first = await build(dir);
    expect(first).toMatchObject({ code: 0 });
    expect(first.out).toContain('Server: built.');
    const main = path.join(dir, 'dist/src/main.js');
    expect(await readFile(main, 'utf8')).toContain("'one'");
    const builtAt = (await stat(main)).mtimeMs;

    // Nothing changed, or only what the server build is not made from: no compile.
    expect((await build(dir)).out).toContain('Server: up to date');
    await write('src/main.ts', "export const greeting: string = 'one';\n"); // saved again, same content
    await write('client/web/app.ts', 'export const page = 2;\n'); // the web client has its own build
    await write('src/main.spec.ts', 'export {};\n'); // unit specs are never compiled into dist
    expect((await build(dir)).out).toContain('Server: up to date');
    expect((await stat(main)).mtimeMs).toBe(builtAt);

    // A source changed: compiled, and then up to date again.
    await write('src/main.ts', "export const greeting: string = 'two';\n");
    expect((await build(dir)).out).toContain('Server: built.');
    expect(await readFile(main, 'utf8')).toContain("'two'");
    expect((await build(dir)).out).toContain('Server: up to date');
    // The lock file changed (another TypeScript, other types): compiled.
    await write('package-lock.json', '{"lockfileVersion": 3, "changed": true}\n');
    expect((await build(dir)).out).toContain('Server: built.');

    // The compiled server gone (the stamp still there): compiled again.
    await rm(main);
    expect((await build(dir)).out).toContain('Server: built.');
    expect(existsSync(main)).toBe(true);

    // A failed compile is never taken for a finished one.
    await write('src/main.ts', 'export const greeting: string = 1;\n'); // a type error
    const failed = await build(dir);
    expect(failed.code).not.toBe(0);
    expect(failed.out).toContain('Server: the build failed');
    // Fixing nothing and starting again compiles again (and fails again), rather than running the old dist.
    expect((await build(dir)).out).toContain('Server: the build failed');
  }, 300_000);
});
