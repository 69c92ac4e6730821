/**
 * The browser's one Strongroom database in IndexedDB, shared by the key store and the trust store, and the
 * few promise wrappers they need. Browser only: no Node import may appear here (client/sdk/index.ts, the
 * browser's entry, re-exports the stores).
 */

/** The database every Strongroom store of this origin lives in, unless a store is told otherwise. */
export const STRONGROOM_DATABASE = 'strongroom';

/**
 * Bumped with every change of object stores or indexes, with a step in `upgrade` that makes it from the
 * version before, so a browser that last ran an older client keeps its keys.
 */
export const STRONGROOM_DATABASE_VERSION = 1;

/** The object stores, one per purpose. Each record carries its server URL, so one origin can hold several. */
export const OBJECT_STORES = {
  /** One record per account: the wrapped device keys (key path `[serverUrl, userId]`). */
  deviceKeys: 'device-keys',
  /** Identity keys pinned by an account (key path `[serverUrl, ownerUserId, userId]`). */
  trustedIdentities: 'trusted-identities',
  /** Devices pinned by an account (key path `[serverUrl, ownerUserId, deviceId]`, index by their user). */
  trustedDevices: 'trusted-devices',
} as const;

/** The index of pinned devices by whose they are, for `devicesOf` and `forgetUser`. */
export const DEVICES_BY_USER = 'by-user';

/** Where the stores keep their data: the defaults suit the web client; tests and workers may pass their own. */
export interface IndexedDbOptions {
  /** Another database name (tests that want a clean slate in one origin); `strongroom` by default. */
  databaseName?: string;
  /** The IndexedDB factory; `globalThis.indexedDB` by default (a page or a worker). */
  indexedDB?: IDBFactory;
}

/**
 * One spelling of a server's URL for keys: the URL parser's (lower-case scheme and host, no default port),
 * without trailing slashes, as the HTTP transport trims them. So `https://Strongroom.example/` and
 * `https://strongroom.example` name the same server's records, and another server's never match.
 */
export function serverKey(serverUrl: string): string {
  return new URL(serverUrl).href.replace(/\/+$/, '');
}

function upgrade(db: IDBDatabase, oldVersion: number): void {
  if (oldVersion < 1) {
    db.createObjectStore(OBJECT_STORES.deviceKeys, { keyPath: ['serverUrl', 'userId'] });
    db.createObjectStore(OBJECT_STORES.trustedIdentities, { keyPath: ['serverUrl', 'ownerUserId', 'userId'] });
    const devices = db.createObjectStore(OBJECT_STORES.trustedDevices, {
      keyPath: ['serverUrl', 'ownerUserId', 'deviceId'],
    });
    devices.createIndex(DEVICES_BY_USER, ['serverUrl', 'ownerUserId', 'userId']);
  }
}

/** Resolves with a request's result, or rejects with its error. */
export function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/**
 * A lazily opened connection to the database, shared by a store's calls. Another tab that upgrades the
 * database (a newer client) asks every open connection to close: this one does, and opens again on the
 * next call, rather than blocking the upgrade until the page is closed.
 */
export class StrongroomDatabase {
  private opening: Promise<IDBDatabase> | null = null;

  constructor(private readonly options: IndexedDbOptions = {}) {}

  private open(): Promise<IDBDatabase> {
    if (this.opening) return this.opening;
    const factory = this.options.indexedDB ?? globalThis.indexedDB;
    if (!factory) return Promise.reject(new Error('IndexedDB is not available here'));
    const request = factory.open(this.options.databaseName ?? STRONGROOM_DATABASE, STRONGROOM_DATABASE_VERSION);
    request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion);
    const opening = done(request).then((db) => {
      const forget = () => {
        if (this.opening === opening) this.opening = null;
      };
      db.onversionchange = () => {
        db.close();
        forget();
      };
      db.onclose = forget; // closed by the browser (storage cleared): open again next time
      return db;
    });
    // A failed open is not cached: the next call tries again.
    opening.catch(() => {
      if (this.opening === opening) this.opening = null;
    });
    this.opening = opening;
    return opening;
  }

  /**
   * Runs `work` in one transaction on `stores` and resolves once the transaction has committed, so a
   * caller never hears "saved" for something a crash could still lose. `work` may await only requests of
   * this transaction (anything else, such as key stretching, comes before): IndexedDB commits a
   * transaction as soon as no request is pending, and a later request would fail.
   */
  async transaction<T>(
    stores: string[],
    mode: IDBTransactionMode,
    work: (tx: IDBTransaction) => Promise<T>,
  ): Promise<T> {
    const db = await this.open();
    const tx = db.transaction(stores, mode);
    const committed = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
    try {
      const result = await work(tx);
      await committed;
      return result;
    } catch (err) {
      committed.catch(() => undefined); // the error thrown below is the one that matters
      try {
        tx.abort();
      } catch {
        // Already committed or aborted.
      }
      throw err;
    }
  }

  /** Closes the connection (a test that deletes the database, say); the next call opens it again. */
  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = null;
    if (opening) (await opening.catch(() => null))?.close();
  }
}
