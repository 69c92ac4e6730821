/** Node-only additions to the SDK (file system). Browsers import `./index.js` instead. */
export * from './index.js';
export { FileKeyStore } from './store/file-key-store.js';
export { FileTrustStore } from './store/file-trust-store.js';
export { writePrivateFile } from './store/private-file.js';
