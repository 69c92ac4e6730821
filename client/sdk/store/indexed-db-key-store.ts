import { unwrapSecret, wrapSecret, type KdfStrength, type WrappedSecret } from '../crypto/key-wrap.js';
import { done, OBJECT_STORES, serverKey, StrongroomDatabase, type IndexedDbOptions } from './indexed-db.js';
import type { KeyStore, StoredDevice } from './key-store.js';

/** Options of an IndexedDB key store: where it lives, and how hard new records stretch the passphrase. */
export interface IndexedDbKeyStoreOptions extends IndexedDbOptions {
  /** `moderate` (the default) for every real store; `interactive` only for tests, as in `FileKeyStore`. */
  kdf?: KdfStrength;
}

/**
 * A record of the `device-keys` object store: the file key store's JSON (`identityPublicKey` and the
 * wrapped secret), plus the key it is filed under. Nothing private is in clear: the device's keys and the
 * identity key are only inside `ciphertext`.
 */
interface KeyRecord extends WrappedSecret {
  serverUrl: string;
  userId: string;
  format: 'strongroom-keystore';
  identityPublicKey: string | null;
}

/**
 * The browser's key store: one record per account in the origin's `strongroom` database, keyed by
 * server URL and user id, so two servers (or two people on one browser) never read each other's keys.
 * Like `FileKeyStore`, the whole `StoredDevice` is sealed under the passphrase (Argon2id, then
 * secretbox; crypto/key-wrap.ts) and only the identity *public* key sits beside it, readable without the
 * passphrase so a person's own safety number never has to come from the server.
 *
 * Whoever can run script in this origin can read the record, so everything rests on the passphrase and
 * the stretching: records are written at MODERATE limits unless `options.kdf` says otherwise, and opened
 * at the limits they record.
 */
export class IndexedDbKeyStore implements KeyStore {
  private readonly serverUrl: string;
  private readonly db: StrongroomDatabase;

  /** `serverUrl` is the server these accounts belong to (the web client's own origin, as a rule). */
  constructor(
    serverUrl: string,
    private readonly options: IndexedDbKeyStoreOptions = {},
  ) {
    this.serverUrl = serverKey(serverUrl);
    this.db = new StrongroomDatabase(options);
  }

  private read(userId: string): Promise<KeyRecord | undefined> {
    return this.db.transaction([OBJECT_STORES.deviceKeys], 'readonly', (tx) =>
      done(tx.objectStore(OBJECT_STORES.deviceKeys).get([this.serverUrl, userId]) as IDBRequest<KeyRecord | undefined>),
    );
  }

  async exists(userId: string): Promise<boolean> {
    return (await this.read(userId)) !== undefined;
  }

  async save(device: StoredDevice, passphrase: string): Promise<void> {
    // A device of another server filed here would be offered to the wrong server's sessions.
    if (serverKey(device.serverUrl) !== this.serverUrl) {
      throw new Error(`This key store holds keys for ${this.serverUrl}, not for ${device.serverUrl}.`);
    }
    // Stretch first: a transaction cannot stay open across work that is not its own requests.
    const wrapped = await wrapSecret(new TextEncoder().encode(JSON.stringify(device)), passphrase, this.options.kdf);
    const record: KeyRecord = {
      serverUrl: this.serverUrl,
      userId: device.userId,
      format: 'strongroom-keystore',
      identityPublicKey: device.identity?.publicKey ?? null,
      ...wrapped,
    };
    await this.db.transaction([OBJECT_STORES.deviceKeys], 'readwrite', async (tx) => {
      await done(tx.objectStore(OBJECT_STORES.deviceKeys).put(record));
    });
  }

  async publicIdentity(userId: string): Promise<string | null> {
    const record = await this.read(userId);
    return typeof record?.identityPublicKey === 'string' ? record.identityPublicKey : null;
  }

  async load(userId: string, passphrase: string): Promise<StoredDevice> {
    const record = await this.read(userId);
    if (!record) throw new Error(`This browser has no device keys for user ${userId} on ${this.serverUrl}.`);
    const device = JSON.parse(new TextDecoder().decode(await unwrapSecret(record, passphrase))) as StoredDevice;
    // The sealed device names its own account: a record copied under another key is refused, not used.
    if (device.userId !== userId || serverKey(device.serverUrl) !== this.serverUrl) {
      throw new Error(`The key store record for user ${userId} on ${this.serverUrl} holds another account's keys.`);
    }
    return device;
  }
}
