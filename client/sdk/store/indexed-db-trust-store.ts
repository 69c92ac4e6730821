import {
  DEVICES_BY_USER,
  done,
  OBJECT_STORES,
  serverKey,
  StrongroomDatabase,
  type IndexedDbOptions,
} from './indexed-db.js';
import type { PinnedDevice, PinnedIdentity, TrustStore } from './trust-store.js';

/** Whose pin a record is: the server, and the signed-in person who pinned it. */
interface Owner {
  serverUrl: string;
  ownerUserId: string;
}
type IdentityRecord = PinnedIdentity & Owner;
type DeviceRecord = PinnedDevice & Owner;

/** A record without the fields that say whose it is, as the interface's callers expect a pin. */
function withoutOwner<T extends PinnedDevice | PinnedIdentity>({
  serverUrl: _s,
  ownerUserId: _o,
  ...pin
}: T & Owner): T {
  return pin as unknown as T; // exactly T: a pin has neither field of Owner
}

/**
 * The browser's trust store: one account's pins (identity keys and devices, trust on first use) in the
 * origin's `strongroom` database, with the semantics of `FileTrustStore`: a pin replaces the one of the
 * same device or person, and `forgetUser` drops a person's identity and every device of theirs at once.
 * Pins are public keys, but whom one works with is nobody else's business, so each account sees only
 * its own: records are filed under the server URL and the signed-in person's id.
 *
 * Unlike the file store, nothing is cached in memory: another tab of the same person may pin or forget
 * someone, and every call reads what is stored now.
 */
export class IndexedDbTrustStore implements TrustStore {
  private readonly serverUrl: string;
  private readonly db: StrongroomDatabase;

  /** `ownerUserId` is the signed-in person whose pins these are, on the server at `serverUrl`. */
  constructor(
    serverUrl: string,
    private readonly ownerUserId: string,
    options: IndexedDbOptions = {},
  ) {
    this.serverUrl = serverKey(serverUrl);
    this.db = new StrongroomDatabase(options);
  }

  private get owner(): Owner {
    return { serverUrl: this.serverUrl, ownerUserId: this.ownerUserId };
  }

  async get(deviceId: string): Promise<PinnedDevice | undefined> {
    const record = await this.db.transaction([OBJECT_STORES.trustedDevices], 'readonly', (tx) =>
      done(
        tx.objectStore(OBJECT_STORES.trustedDevices).get([this.serverUrl, this.ownerUserId, deviceId]) as IDBRequest<
          DeviceRecord | undefined
        >,
      ),
    );
    return record && withoutOwner<PinnedDevice>(record);
  }

  async pin(device: PinnedDevice): Promise<void> {
    const record: DeviceRecord = { ...device, ...this.owner };
    await this.db.transaction([OBJECT_STORES.trustedDevices], 'readwrite', async (tx) => {
      await done(tx.objectStore(OBJECT_STORES.trustedDevices).put(record));
    });
  }

  async getIdentity(userId: string): Promise<PinnedIdentity | undefined> {
    const record = await this.db.transaction([OBJECT_STORES.trustedIdentities], 'readonly', (tx) =>
      done(
        tx.objectStore(OBJECT_STORES.trustedIdentities).get([this.serverUrl, this.ownerUserId, userId]) as IDBRequest<
          IdentityRecord | undefined
        >,
      ),
    );
    return record && withoutOwner<PinnedIdentity>(record);
  }

  async pinIdentity(identity: PinnedIdentity): Promise<void> {
    const record: IdentityRecord = { ...identity, ...this.owner };
    await this.db.transaction([OBJECT_STORES.trustedIdentities], 'readwrite', async (tx) => {
      await done(tx.objectStore(OBJECT_STORES.trustedIdentities).put(record));
    });
  }

  async devicesOf(userId: string): Promise<PinnedDevice[]> {
    const records = await this.db.transaction([OBJECT_STORES.trustedDevices], 'readonly', (tx) =>
      done(
        tx
          .objectStore(OBJECT_STORES.trustedDevices)
          .index(DEVICES_BY_USER)
          .getAll([this.serverUrl, this.ownerUserId, userId]) as IDBRequest<DeviceRecord[]>,
      ),
    );
    return records.map((r) => withoutOwner<PinnedDevice>(r));
  }

  async forgetUser(userId: string): Promise<void> {
    // One transaction: a reader never sees the identity gone but the devices still pinned, or the reverse.
    await this.db.transaction(
      [OBJECT_STORES.trustedDevices, OBJECT_STORES.trustedIdentities],
      'readwrite',
      async (tx) => {
        const devices = tx.objectStore(OBJECT_STORES.trustedDevices);
        const keys = await done(devices.index(DEVICES_BY_USER).getAllKeys([this.serverUrl, this.ownerUserId, userId]));
        await Promise.all([
          ...keys.map((key) => done(devices.delete(key))),
          done(tx.objectStore(OBJECT_STORES.trustedIdentities).delete([this.serverUrl, this.ownerUserId, userId])),
        ]);
      },
    );
  }
}
