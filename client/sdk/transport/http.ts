import { API_VERSION, API_VERSION_HEADER } from '../../../contracts/api-version.js';
import type { ErrorBody, ErrorCode } from '../../../contracts/errors.js';
import { CSRF_HEADER, type SessionKind } from '../../../contracts/identity.js';

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

/**
 * How long one request may take, its whole answer included, before the client gives up on it as it would
 * on a dropped connection: long enough for the slowest answer the server gives (a large piece of a file
 * on a slow link), short enough that a network gone silent, which neither fails nor answers, is noticed
 * and the request tried again rather than waited on for ever.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** Methods that change nothing: the only ones a cookie session may send without its CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * JSON over fetch (Node 20 and browsers alike). Knows nothing of crypto. A `bearer` transport (the
 * default: Node, the CLI) sends its token in `Authorization`. A `cookie` transport (a web page) holds no
 * token at all: the browser sends the HttpOnly session cookie to its own site (`credentials:
 * 'same-origin'`), and every change carries the session's CSRF token in `X-CSRF-Token`.
 */
export class HttpTransport {
  token: string | null = null;
  /** A cookie session's CSRF token, from sign-in or `GET /auth/session`; kept in memory only. */
  csrfToken: string | null = null;
  /** The API version the server named in its latest answer; null before the first (or from an old server). */
  serverApiVersion: number | null = null;
  /** Called once, on the first answer from a server whose API version is newer than this client's. */
  onNewerServer: ((serverVersion: number, clientVersion: number) => void) | null = null;
  private toldNewer = false;

  constructor(
    readonly baseUrl: string,
    readonly session: SessionKind = 'bearer',
    /** How long one request may take, answer included, before it counts as unreachable; 0: no limit. */
    readonly timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, string | number | undefined>,
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const text = await this.send(
      method,
      path,
      headers,
      (res) => res.text(),
      body === undefined ? undefined : JSON.stringify(body),
      query,
    );
    return (text ? safeJson(text) : undefined) as T;
  }

  /**
   * Sends bytes as `application/octet-stream` (a piece of an encrypted file) and reads a JSON answer. The
   * bytes go as they are: fetch takes a Uint8Array in Node and in browsers alike.
   */
  async sendBytes<T>(method: string, path: string, bytes: Uint8Array): Promise<T> {
    const headers = { accept: 'application/json', 'content-type': 'application/octet-stream' };
    // A copy over exactly these bytes: a view into a larger buffer would send all of it in some runtimes.
    const body = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    const text = await this.send(method, path, headers, (res) => res.text(), body as Uint8Array<ArrayBuffer>);
    return (text ? safeJson(text) : undefined) as T;
  }

  /** Fetches bytes (a piece of an encrypted file); a refusal is thrown as for JSON requests. */
  async fetchBytes(path: string): Promise<Uint8Array> {
    const headers = { accept: 'application/octet-stream, application/json' };
    return this.send('GET', path, headers, async (res) => new Uint8Array(await res.arrayBuffer()));
  }

  /**
   * One request with this session's credentials, its answer read by `read`; a non-2xx answer is thrown
   * as a `StrongroomApiError`. A request that fails on the way, or whose answer does not arrive whole
   * within `timeoutMs` (a network that went silent rather than away), is a `StrongroomNetworkError`:
   * the kind the SDK tries again.
   */
  private async send<T>(
    method: string,
    path: string,
    headers: Record<string, string>,
    read: (res: Response) => Promise<T>,
    body?: BodyInit,
    query?: Record<string, string | number | undefined>,
  ): Promise<T> {
    const url = new URL(`${this.baseUrl}/api${path}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    headers[API_VERSION_HEADER] = String(API_VERSION);
    const aborter = new AbortController();
    const init: RequestInit = { method, headers, body, signal: aborter.signal };
    if (this.session === 'cookie') {
      if (this.csrfToken && !SAFE_METHODS.has(method.toUpperCase())) headers[CSRF_HEADER] = this.csrfToken;
      // fetch's default too, said outright: the cookie goes to this page's own site and nowhere else.
      init.credentials = 'same-origin';
    } else if (this.token) {
      headers.authorization = `Bearer ${this.token}`;
    }
    const seconds = Math.max(1, Math.round(this.timeoutMs / 1000));
    const limit = `no answer within ${seconds} second${seconds === 1 ? '' : 's'}`;
    const timer = this.timeoutMs > 0 ? setTimeout(() => aborter.abort(new Error(limit)), this.timeoutMs) : undefined;
    // In Node, a timer alone does not keep a command running (the request itself does).
    (timer as { unref?: () => void } | undefined)?.unref?.();
    const unreachable = (err: unknown) =>
      new StrongroomNetworkError(this.baseUrl, aborter.signal.aborted ? aborter.signal.reason : err);
    try {
      let res: Response;
      try {
        res = await fetch(url, init);
      } catch (err) {
        throw unreachable(err);
      }
      this.noteServerVersion(res.headers.get(API_VERSION_HEADER));
      if (!res.ok) {
        const text = await res.text().catch(() => '');
        const e = (text ? (safeJson(text) as ApiErrorBody | undefined) : undefined)?.error;
        throw new StrongroomApiError(
          res.status,
          e?.code ?? 'http_error',
          e?.message ?? `HTTP ${res.status}`,
          e?.details,
        );
      }
      try {
        return await read(res);
      } catch (err) {
        // The connection dropped, or went silent, while the answer was arriving: as unreachable as a failed fetch.
        throw unreachable(err);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  private noteServerVersion(header: string | null): void {
    const version = header && /^\d+$/.test(header.trim()) ? Number(header) : null;
    if (version === null) return;
    this.serverApiVersion = version;
    if (version > API_VERSION && !this.toldNewer && this.onNewerServer) {
      this.toldNewer = true;
      this.onNewerServer(version, API_VERSION);
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
