import { TestEnvironment } from 'jest-environment-node';

/**
 * Set on the test file's global while its current test, or one of its hooks, has failed; read by
 * `useBrowser` (browser.ts). Spelt out in both: Jest loads this file without the tests' module mapper.
 */
const TEST_FAILED = '__strongroomTestFailed';

/**
 * Node's environment, which also tells the test file whether the test now ending failed, so that
 * `useBrowser`'s `afterEach` can say what each person's page showed at that moment (Jest gives a hook
 * no such word). A browser test that times out in CI then explains itself in the log.
 */
export default class BrowserTestEnvironment extends TestEnvironment {
  handleTestEvent(event: { name: string }): void {
    if (event.name === 'test_start') this.global[TEST_FAILED] = false;
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') this.global[TEST_FAILED] = true;
  }
}
