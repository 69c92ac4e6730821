import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { MemoryTrustStore, type PinnedDevice } from './trust-store.js';

/** Pins in a JSON file (public keys only, so not secret); written atomically. */
export class FileTrustStore extends MemoryTrustStore {
  private loaded = false;
  constructor(private readonly file: string) {
    super();
  }
  private async load(): Promise<void> {
    if (this.loaded) return;
    try {
      const list = JSON.parse(await readFile(this.file, 'utf8')) as PinnedDevice[];
      this.pins = new Map(list.map((d) => [d.deviceId, d]));
    } catch {
      this.pins = new Map();
    }
    this.loaded = true;
  }
  private async save(): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify([...this.pins.values()], null, 2) + '\n', { mode: 0o600 });
    await rename(tmp, this.file);
  }
  override async get(deviceId: string) {
    await this.load();
    return super.get(deviceId);
  }
  override async pin(device: PinnedDevice) {
    await this.load();
    await super.pin(device);
    await this.save();
  }
  override async forgetUser(userId: string) {
    await this.load();
    await super.forgetUser(userId);
    await this.save();
  }
}
