/**
 * Shapes of the server's requests and responses, as the SDK exposes them: exactly the contracts the
 * server is typed with (contracts/), so the two cannot drift. Dates arrive as ISO strings.
 */
export type * from '../../contracts/index.js';
