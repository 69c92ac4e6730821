import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * The OpenAPI document at /api/docs is built from the same zod schemas in contracts/ that the server
 * validates with and the SDK is typed by. These tests hold every route to that: a summary, and its
 * success response described (a body schema, or an explicit "no content").
 */
interface Operation {
  summary?: string;
  security?: Record<string, string[]>[];
  responses?: Record<
    string,
    { description?: string; content?: Record<string, { schema?: unknown }>; headers?: Record<string, unknown> }
  >;
}

describe('OpenAPI document', () => {
  let t: TestApp;
  let paths: Record<string, Record<string, Operation>>;
  beforeAll(async () => {
    t = await startTestApp();
    const res = await fetch(`${t.baseUrl}/api/docs/openapi.json`);
    expect(res.status).toBe(200);
    paths = ((await res.json()) as { paths: typeof paths }).paths;
  });
  afterAll(() => t.close());

  const operations = () =>
    Object.entries(paths).flatMap(([route, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ name: `${method.toUpperCase()} ${route}`, op })),
    );

  it('documents a good number of routes (the document is not empty or cut short)', () => {
    expect(operations().length).toBeGreaterThan(60);
  });

  it('gives every route a one-line summary', () => {
    expect(
      operations()
        .filter(({ op }) => !op.summary?.trim())
        .map(({ name }) => name),
    ).toEqual([]);
  });

  it('describes every route’s success response: a JSON body schema, bytes (a piece of a file), or 204 with no content', () => {
    const undocumented = operations()
      .filter(({ op }) => {
        const ok = Object.entries(op.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
        if (!ok.length) return true;
        return !ok.every(([status, r]) =>
          status === '204'
            ? !r.content
            : !!(r.content?.['application/json']?.schema ?? r.content?.['application/octet-stream']?.schema),
        );
      })
      .map(({ name }) => name);
    expect(undocumented).toEqual([]);
  });

  it('tells clients of sign-in and step-up to wait out a 429 by its Retry-After', () => {
    for (const route of ['/api/auth/login', '/api/auth/step-up']) {
      const tooMany = paths[route].post.responses?.['429'];
      expect({ route, code: tooMany?.description?.includes('too_many_attempts') }).toEqual({ route, code: true });
      expect(Object.keys(tooMany?.headers ?? {})).toEqual(['Retry-After']);
    }
  });

  it('says every route a bearer token opens is open to a web page’s session cookie too, and how', () => {
    const bearerOnly = operations()
      .filter(({ op }) => op.security?.some((s) => 'bearer' in s) && !op.security.some((s) => 'cookie' in s))
      .map(({ name }) => name);
    expect(bearerOnly).toEqual([]);
    expect(paths['/api/auth/session']?.get?.security).toEqual([{ bearer: [] }, { cookie: [] }]);
    const login = paths['/api/auth/login'].post.responses?.['200']?.content?.['application/json']?.schema;
    expect(JSON.stringify(login)).toContain('csrfToken');
  });

  it('documents the ISA admin’s sign-in throttling routes', () => {
    expect(paths['/api/sign-in-throttles']?.get?.summary).toMatch(/held back/);
    expect(paths['/api/sign-in-throttles/accounts/{id}']?.delete?.responses?.['200']?.content).toBeDefined();
  });
});
