/** Shapes of the server's responses, as the SDK exposes them, one file per feature. Dates arrive as ISO strings. */
export type * from './types/identity.js';
export type * from './types/agencies.js';
export type * from './types/audit.js';
export type * from './types/channels.js';
export type * from '../../contracts/messages.js';
export type * from './types/families.js';
export type * from './types/meetings.js';
export type * from './types/actions.js';
