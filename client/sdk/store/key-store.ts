import type { DeviceKeys } from '../crypto/device-keys.js';
import type { IdentityKeys } from '../crypto/identity.js';

/** What a client remembers about its own device for one account. */
export interface StoredDevice {
  userId: string;
  deviceId: string;
  serverUrl: string;
  keys: DeviceKeys;
  /**
   * The person's identity key (protocol v2): made by their first device, sent sealed to each device they
   * approve, or read from their recovery key. Absent while this device waits for approval.
   */
  identity?: IdentityKeys;
}

/**
 * Where a device keeps its private keys, always encrypted under the user's passphrase. Node/CLI use
 * `FileKeyStore`, the browser `IndexedDbKeyStore`: the same sealing, so either can be trusted alike.
 */
export interface KeyStore {
  exists(userId: string): Promise<boolean>;
  save(device: StoredDevice, passphrase: string): Promise<void>;
  load(userId: string, passphrase: string): Promise<StoredDevice>;
  /**
   * The identity public key this device holds, readable without the passphrase (it is public), so that
   * a person's own safety number never has to come from the server. Null while it waits for approval.
   */
  publicIdentity(userId: string): Promise<string | null>;
}
