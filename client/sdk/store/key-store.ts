import type { DeviceKeys } from '../crypto/device-keys.js';

/** What a client remembers about its own device for one account. */
export interface StoredDevice {
  userId: string;
  deviceId: string;
  serverUrl: string;
  keys: DeviceKeys;
}

/**
 * Where a device keeps its private keys, always encrypted under the user's passphrase. Node/CLI use
 * `FileKeyStore`; the browser will add an IndexedDB implementation of the same interface.
 */
export interface KeyStore {
  exists(userId: string): Promise<boolean>;
  save(device: StoredDevice, passphrase: string): Promise<void>;
  load(userId: string, passphrase: string): Promise<StoredDevice>;
}
