import type { ErrorBody, ErrorCode } from '../../../contracts/errors.js';

/** The error shape every Strongroom endpoint returns (DESIGN.md §7). */
export type ApiErrorBody = ErrorBody;
/** A server's code, or `http_error` when a response (from a proxy, say) carried no Strongroom error body. */
export type ApiErrorCode = ErrorCode | 'http_error';

/** A refusal from the server, with its stable code, human message and details. */
export class StrongroomApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'StrongroomApiError';
  }
}

/** Raised when the server cannot be reached at all. */
export class StrongroomNetworkError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`Cannot reach the Strongroom server at ${url}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StrongroomNetworkError';
  }
}

/** JSON over fetch (Node 20 and browsers alike). Knows nothing of crypto. */
export class HttpTransport {
  token: string | null = null;

  constructor(readonly baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, string | number | undefined>,
  ): Promise<T> {
    const url = new URL(`${this.baseUrl}/api${path}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      throw new StrongroomNetworkError(this.baseUrl, err);
    }
    const text = await res.text();
    const json: unknown = text ? safeJson(text) : undefined;
    if (!res.ok) {
      const e = (json as ApiErrorBody | undefined)?.error;
      throw new StrongroomApiError(res.status, e?.code ?? 'http_error', e?.message ?? `HTTP ${res.status}`, e?.details);
    }
    return json as T;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
