/**
 * Transitional: identity's request schemas are in contracts/identity.ts. channels/ and meetings/ still
 * import `base64url` from here until their own move onto contracts/common.ts; delete this file then.
 */
export { base64url } from '../../../contracts/common.js';
