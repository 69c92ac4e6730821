import path from 'node:path';
import pg from 'pg';

/**
 * After the run: drops the run's migrated template database (test/support/test-app.ts), on the
 * machine's server as on the embedded one, then stops the embedded server if this run started one.
 * Called once per project; the second call finds nothing left to do.
 */
export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env.STRONGROOM_TEST_ADMIN_URL;
  const run = process.env.STRONGROOM_TEST_RUN;
  if (adminUrl && run) {
    // By its real file name: Jest loads global teardown without the tests' `.js` → `.ts` mapping.
    const { templateName } = (await import(path.join(__dirname, 'test-template.ts'))) as {
      templateName: (run: string) => string;
    };
    const admin = new pg.Client({ connectionString: adminUrl });
    try {
      await admin.connect();
      for (const name of [templateName(run), `${templateName(run)}_building`]) {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
    } catch (err) {
      console.warn(`Could not drop this run's template database: ${String(err)}`);
    } finally {
      await admin.end().catch(() => undefined);
    }
  }
  const child = globalThis.__strongroomTestPg;
  if (!child || child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
