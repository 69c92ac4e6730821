/**
 * What the browser tests load of the SDK: its browser entry as the web client will import it, and two
 * internals to make realistic fixtures (an identity key pair).
 */
export * from '../../../client/sdk/browser.js';
export { identityFromSeed, newIdentitySeed } from '../../../client/sdk/crypto/identity.js';
