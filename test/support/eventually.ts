/**
 * Resolves once `check` passes, trying again every `every` ms; fails with its last error after `ms`.
 * Tests wait for a condition with a generous deadline rather than sleeping a fixed time: the machine
 * may be busy, and a deadline that is only ever reached on failure costs nothing when all is well.
 */
export async function eventually<T>(check: () => T | Promise<T>, ms = 30_000, every = 50): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, every));
    }
  }
}
