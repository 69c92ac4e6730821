/**
 * The name of a test run's migrated template database (test/support/test-app.ts makes it, the global
 * teardown drops it): from the run's id, which global setup sets in STRONGROOM_TEST_RUN.
 */
export function templateName(run: string): string {
  return `sr_template_${run.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`;
}
