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
    const res = await this.send(method, path, headers, body === undefined ? undefined : JSON.stringify(body), query);
    const text = await res.text();
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
    const res = await this.send(method, path, headers, body as Uint8Array<ArrayBuffer>);
    const text = await res.text();
    return (text ? safeJson(text) : undefined) as T;
  }

  /** Fetches bytes (a piece of an encrypted file); a refusal is thrown as for JSON requests. */
  async fetchBytes(path: string): Promise<Uint8Array> {
    const res = await this.send('GET', path, { accept: 'application/octet-stream, application/json' });
    try {
      return new Uint8Array(await res.arrayBuffer());
    } catch (err) {
      // The connection dropped while the body was arriving: as unreachable as a failed fetch.
      throw new StrongroomNetworkError(this.baseUrl, err);
    }
  }

  /** One request with this session's credentials; a non-2xx answer is thrown as a `StrongroomApiError`. */
  private async send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: BodyInit,
    query?: Record<string, string | number | undefined>,
  ): Promise<Response> {
    const url = new URL(`${this.baseUrl}/api${path}`);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    headers[API_VERSION_HEADER] = String(API_VERSION);
    const init: RequestInit = { method, headers, body };
    if (this.session === 'cookie') {
      if (this.csrfToken && !SAFE_METHODS.has(method.toUpperCase())) headers[CSRF_HEADER] = this.csrfToken;
      // fetch's default too, said outright: the cookie goes to this page's own site and nowhere else.
      init.credentials = 'same-origin';
    } else if (this.token) {
      headers.authorization = `Bearer ${this.token}`;
    }
    let res: Response;
    try {
      res = await fetch(url, init);
    } catch (err) {
      throw new StrongroomNetworkError(this.baseUrl, err);
    }
    this.noteServerVersion(res.headers.get(API_VERSION_HEADER));
    if (res.ok) return res;
    const text = await res.text().catch(() => '');
    const e = (text ? (safeJson(text) as ApiErrorBody | undefined) : undefined)?.error;
    throw new StrongroomApiError(res.status, e?.code ?? 'http_error', e?.message ?? `HTTP ${res.status}`, e?.details);
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
