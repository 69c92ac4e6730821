import { StrongroomClient } from './client.js';
import { generateDeviceKeys } from './crypto/device-keys.js';
import { SecureSession } from './secure-session.js';
import type { StoredDevice } from './store/key-store.js';

describe('SecureSession retry options', () => {
  const client = new StrongroomClient('http://127.0.0.1:9');
  let device: StoredDevice;
  beforeAll(async () => {
    device = { userId: 'u', deviceId: 'd', serverUrl: client.serverUrl, keys: await generateDeviceKeys() };
  });
  const session = (giveUpAfterMs: number) =>
    new SecureSession(client, device, undefined, undefined, { retry: { giveUpAfterMs } });

  it('takes up to 4 minutes of trying, and none at all (one attempt)', () => {
    expect(() => session(4 * 60_000)).not.toThrow();
    expect(() => session(0)).not.toThrow();
  });

  it('refuses longer: every attempt keeps the time the message was signed at, and readers flag one stored 5 minutes after it', () => {
    expect(() => session(4 * 60_000 + 1)).toThrow(RangeError);
    expect(() => session(-1)).toThrow(RangeError);
    expect(() => session(Number.NaN)).toThrow(RangeError);
  });
});
