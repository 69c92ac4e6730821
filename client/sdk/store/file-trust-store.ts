import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writePrivateFile } from './private-file.js';
import { MemoryTrustStore, type PinnedDevice, type PinnedIdentity } from './trust-store.js';

/** The file's layout: version 2 pins people's identity keys as well as devices. */
interface TrustFile {
  v: 2;
  identities: PinnedIdentity[];
  devices: PinnedDevice[];
}

/**
 * Pins in a JSON file (public keys only, but who one works with is nobody else's business): written
 * atomically, 0600 in a 0700 directory every time (and the directories up to `privateRoot`, the CLI's
 * home, 0700 too). A version 1 file (a bare list
 * of devices, pinned before identity keys) is read as no pins at all: every person is met anew.
 */
export class FileTrustStore extends MemoryTrustStore {
  private loaded = false;
  constructor(
    private readonly file: string,
    private readonly options: { privateRoot?: string } = {},
  ) {
    super();
  }
  private async load(): Promise<void> {
    if (this.loaded) return;
    try {
      const parsed = JSON.parse(await readFile(this.file, 'utf8')) as TrustFile | PinnedDevice[];
      if (!Array.isArray(parsed) && parsed.v === 2) {
        this.pins = new Map(parsed.devices.map((d) => [d.deviceId, d]));
        this.identities = new Map(parsed.identities.map((i) => [i.userId, i]));
      }
    } catch {
      // No file yet: nobody pinned.
    }
    this.loaded = true;
  }
  private async save(): Promise<void> {
    const body: TrustFile = { v: 2, identities: [...this.identities.values()], devices: [...this.pins.values()] };
    await writePrivateFile(
      this.file,
      JSON.stringify(body, null, 2) + '\n',
      this.options.privateRoot ?? path.dirname(this.file),
    );
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
  override async getIdentity(userId: string) {
    await this.load();
    return super.getIdentity(userId);
  }
  override async pinIdentity(identity: PinnedIdentity) {
    await this.load();
    await super.pinIdentity(identity);
    await this.save();
  }
  override async devicesOf(userId: string) {
    await this.load();
    return super.devicesOf(userId);
  }
  override async forgetUser(userId: string) {
    await this.load();
    await super.forgetUser(userId);
    await this.save();
  }
}
