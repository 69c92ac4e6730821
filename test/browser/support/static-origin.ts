import type { BrowserContext } from 'playwright-core';

/** A file a fake origin answers with. */
export interface StaticFile {
  body: string | Buffer;
  contentType: string;
}

/**
 * Answers every request to `origin` from `files` (by path; 404 otherwise) inside the browser, with
 * `headers` on each answer (a Content-Security-Policy, say): a page for code that is not the server's,
 * such as an SDK bundle, without a server. The origin is made up (`https://sdk.strongroom.test`), so
 * nothing leaves the machine; `https` makes it a secure context, as the real deployment is.
 */
export async function serveOrigin(
  context: BrowserContext,
  origin: string,
  files: Record<string, StaticFile>,
  headers: Record<string, string> = {},
): Promise<void> {
  await context.route(`${origin}/**`, async (route) => {
    const file = files[new URL(route.request().url()).pathname];
    await route.fulfill(
      file
        ? { status: 200, contentType: file.contentType, body: file.body, headers }
        : { status: 404, contentType: 'text/plain', body: 'Not found', headers },
    );
  });
}
