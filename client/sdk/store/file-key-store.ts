import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { unwrapSecret, wrapSecret, type KdfStrength, type WrappedSecret } from '../crypto/key-wrap.js';
import type { KeyStore, StoredDevice } from './key-store.js';
import { writePrivateFile } from './private-file.js';

/** Options of a file key store: how hard new stores stretch the passphrase (`moderate` unless a test says so). */
export interface FileKeyStoreOptions {
  kdf?: KdfStrength;
  /** A directory above the store's (the CLI's home) also set to 0700 on every save. */
  privateRoot?: string;
}

/**
 * One file per account, `<dir>/<userId>.keystore.json`, holding only the wrapped secret: 0600 in a 0700
 * directory after every save, whatever the modes were before. It is written at the limits of `options.kdf` (MODERATE by default) and opened at the limits it records.
 */
export class FileKeyStore implements KeyStore {
  constructor(
    private readonly dir: string,
    private readonly options: FileKeyStoreOptions = {},
  ) {}

  private file(userId: string): string {
    if (!/^[0-9a-f-]{36}$/i.test(userId)) throw new Error('Invalid user id for the key store');
    return path.join(this.dir, `${userId}.keystore.json`);
  }

  /** The file holding `userId`'s wrapped keys (the CLI's unlock agent checks it has not changed). */
  path(userId: string): string {
    return this.file(userId);
  }

  async exists(userId: string): Promise<boolean> {
    return stat(this.file(userId)).then(
      () => true,
      () => false,
    );
  }

  async save(device: StoredDevice, passphrase: string): Promise<void> {
    const wrapped = await wrapSecret(new TextEncoder().encode(JSON.stringify(device)), passphrase, this.options.kdf);
    const identityPublicKey = device.identity?.publicKey ?? null;
    await writePrivateFile(
      this.file(device.userId),
      JSON.stringify({ format: 'strongroom-keystore', identityPublicKey, ...wrapped }, null, 2) + '\n',
      this.options.privateRoot ?? this.dir,
    );
  }

  async publicIdentity(userId: string): Promise<string | null> {
    try {
      const file = JSON.parse(await readFile(this.file(userId), 'utf8')) as { identityPublicKey?: unknown };
      return typeof file.identityPublicKey === 'string' ? file.identityPublicKey : null;
    } catch {
      return null;
    }
  }

  async load(userId: string, passphrase: string): Promise<StoredDevice> {
    const wrapped = JSON.parse(await readFile(this.file(userId), 'utf8')) as WrappedSecret;
    return JSON.parse(new TextDecoder().decode(await unwrapSecret(wrapped, passphrase))) as StoredDevice;
  }
}
