/**
 * The channel request schemas now live in contracts/channels.ts. This re-export stays only until the
 * families module imports `base64urlBytes` from contracts/common.ts (families helper); then delete it.
 */
export { base64urlBytes } from '../../../contracts/common.js';
