/**
 * The version of the HTTP and socket API, one whole number for server and clients alike. It goes up when
 * the server changes in a way an older client must know about (a new rule it must follow, a field it must
 * send); additions an older client can ignore do not raise it. docs/operations.md ("Upgrades") gives the
 * rule: a server serves clients from `MIN_CLIENT_API_VERSION` to its own `API_VERSION`, so servers are
 * upgraded first and clients after.
 */
export const API_VERSION = 1;

/** The oldest client API version this server still serves; an older one is refused with `client_outdated`. */
export const MIN_CLIENT_API_VERSION = 1;

/**
 * Sent both ways on every API request and answer: the client's version on the request (optional: a
 * request without it is served, as curl's would be), the server's on every answer.
 */
export const API_VERSION_HEADER = 'Strongroom-Api-Version';
