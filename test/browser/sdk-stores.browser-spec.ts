import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { pageContentSecurityPolicy } from '../../src/common/security-headers.js';
import { describeBrowser, useBrowser } from './support/browser.js';
import { buildBrowserBundle } from './support/bundle.js';
import type { Person } from './support/person.js';
import { serveOrigin } from './support/static-origin.js';

type Sdk = typeof import('./support/sdk-bundle-entry.js');
type StoredDevice = import('../../client/sdk/index.js').StoredDevice;
type PinnedDevice = import('../../client/sdk/index.js').PinnedDevice;
type PinnedIdentity = import('../../client/sdk/index.js').PinnedIdentity;
/** The page's window once main.js has run. */
type SdkWindow = Window & { sdk: Sdk };

const ORIGIN = 'https://sdk.strongroom.test';
const SERVER = 'https://strongroom.example';
const OTHER_SERVER = 'https://strongroom.other.example';
const ALICE = '0b8a9c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d';
const BOB = '1c9b0d2e-3f40-4b6c-9d7e-8f9a0b1c2d3e';
const PASSPHRASE = 'correct horse battery staple';

/**
 * The page policy the web client will be served with. The server's page policy (`script-src 'self'`)
 * does not let a page compile WebAssembly, which libsodium needs (its ESM build has no asm.js fallback):
 * the first test shows it. 'wasm-unsafe-eval' allows compiling WebAssembly and nothing else (no `eval`,
 * no inline script), so the web client's page needs exactly that one addition.
 */
const WEB_CLIENT_POLICY = pageContentSecurityPolicy().replace(
  "script-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
);

/** The page: loads the bundle and puts the SDK on `window.sdk`, in files, as the policy wants. */
const INDEX_HTML =
  '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>SDK stores</title>' +
  '<script type="module" src="/main.js"></script></head><body><main><h1>SDK stores</h1></main></body></html>';
const MAIN_JS = "import * as sdk from './sdk.js';\nwindow.sdk = sdk;\ndocument.body.dataset.ready = 'yes';\n";

/** Every way a key could sit in a record in clear: as stored (base64url), standard base64, hex. */
function clearForms(base64url: string): string[] {
  const bytes = Buffer.from(base64url, 'base64url');
  return [base64url, bytes.toString('base64').replace(/=+$/, ''), bytes.toString('hex')];
}

/**
 * The browser key store and trust store (client/sdk/store/indexed-db-*.ts) in real Chromium: the SDK's
 * browser entry bundled by Vite, loaded by a page under the web client's policy, with its IndexedDB.
 */
describeBrowser('IndexedDB key store and trust store, in Chromium', () => {
  const chromium = useBrowser();
  let outDir: string;
  let bundle: string;
  beforeAll(async () => {
    outDir = await mkdtemp(path.join(os.tmpdir(), 'sr-sdk-bundle-'));
    // The bundle fails to build if anything the SDK's index reaches imports a Node built-in.
    bundle = await buildBrowserBundle(path.join(__dirname, 'support', 'sdk-bundle-entry.ts'), outDir);
  });
  afterAll(() => rm(outDir, { recursive: true, force: true }));

  /** A person with the SDK loaded in their page under `policy`. */
  async function withSdk(name: string, policy = WEB_CLIENT_POLICY): Promise<Person> {
    const person = await chromium.person(name);
    await serveOrigin(
      person.context,
      ORIGIN,
      {
        '/': { body: INDEX_HTML, contentType: 'text/html' },
        '/main.js': { body: MAIN_JS, contentType: 'text/javascript' },
        '/sdk.js': { body: bundle, contentType: 'text/javascript' },
      },
      { 'Content-Security-Policy': policy },
    );
    await load(person.page);
    return person;
  }

  async function load(page: Page): Promise<void> {
    await page.goto(`${ORIGIN}/`);
    await page.locator('body[data-ready="yes"]').waitFor();
  }

  /** A device with real keys, and an identity unless it is waiting for approval. */
  const makeDevice = (page: Page, a: { userId: string; serverUrl: string; waiting?: boolean }) =>
    page.evaluate(async ({ userId, serverUrl, waiting }): Promise<StoredDevice> => {
      const { sdk } = window as unknown as SdkWindow;
      return {
        userId,
        deviceId: crypto.randomUUID(),
        serverUrl,
        keys: await sdk.generateDeviceKeys(),
        ...(waiting ? {} : { identity: await sdk.identityFromSeed(await sdk.newIdentitySeed()) }),
      };
    }, a);

  /** Every record of every object store of the origin's `strongroom` database, as stored. */
  const rawRecords = (page: Page) =>
    page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const req = indexedDB.open('strongroom');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error ?? new Error('open failed'));
      });
      const out: Record<string, string[]> = {};
      for (const name of Array.from(db.objectStoreNames)) {
        const all = await new Promise<unknown[]>((resolve, reject) => {
          const req = db.transaction(name).objectStore(name).getAll();
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error ?? new Error('read failed'));
        });
        // Bytes, if a record ever held any, as hex: searched like the text around them.
        const hex = (v: ArrayBufferView | ArrayBuffer) =>
          Array.from(
            ArrayBuffer.isView(v) ? new Uint8Array(v.buffer, v.byteOffset, v.byteLength) : new Uint8Array(v),
            (x) => x.toString(16).padStart(2, '0'),
          ).join('');
        out[name] = all.map((r) =>
          JSON.stringify(r, (_k, v: unknown) => (v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? hex(v) : v)),
        );
      }
      db.close();
      return out;
    });

  it("the server's page policy alone stops libsodium (WebAssembly): the web client's page needs 'wasm-unsafe-eval'", async () => {
    const person = await withSdk('strict', pageContentSecurityPolicy());
    const outcome = await person.page.evaluate(() =>
      (window as unknown as SdkWindow).sdk.generateDeviceKeys().then(
        () => 'started',
        (err: Error) => err.message,
      ),
    );
    expect(outcome).toMatch(/WebAssembly.*Content Security Polic/);
    const { csp } = await person.takeProblems();
    expect(csp).toContainEqual(expect.stringMatching(/^script-src refused wasm-eval/));
  });

  it('saves and loads a device round trip; exists and the public identity need no passphrase', async () => {
    const { page } = await withSdk('round-trip');
    const device = await makeDevice(page, { userId: ALICE, serverUrl: SERVER });
    const waiting = await makeDevice(page, { userId: BOB, serverUrl: SERVER, waiting: true });
    const seen = await page.evaluate(
      async ({ device, waiting, SERVER, ALICE, BOB, PASSPHRASE }) => {
        const { sdk } = window as unknown as SdkWindow;
        const store = new sdk.IndexedDbKeyStore(SERVER, { kdf: 'interactive' });
        const before = { exists: await store.exists(ALICE), identity: await store.publicIdentity(ALICE) };
        await store.save(device, PASSPHRASE);
        await store.save(waiting, PASSPHRASE);
        // A new store object, as after a reload: everything comes from IndexedDB.
        const again = new sdk.IndexedDbKeyStore(SERVER);
        return {
          before,
          after: { exists: await again.exists(ALICE), identity: await again.publicIdentity(ALICE) },
          waiting: { exists: await again.exists(BOB), identity: await again.publicIdentity(BOB) },
          loaded: await again.load(ALICE, PASSPHRASE),
          loadedWaiting: await again.load(BOB, PASSPHRASE),
        };
      },
      { device, waiting, SERVER, ALICE, BOB, PASSPHRASE },
    );
    expect(seen.before).toEqual({ exists: false, identity: null });
    expect(seen.after).toEqual({ exists: true, identity: device.identity!.publicKey });
    expect(seen.waiting).toEqual({ exists: true, identity: null });
    expect(seen.loaded).toEqual(device);
    expect(seen.loadedWaiting).toEqual(waiting);
  });

  it('a wrong passphrase is refused with WrongPassphraseError, and the keys still open with the right one', async () => {
    const { page } = await withSdk('wrong-passphrase');
    const device = await makeDevice(page, { userId: ALICE, serverUrl: SERVER });
    const outcome = await page.evaluate(
      async ({ device, SERVER, ALICE, PASSPHRASE }) => {
        const { sdk } = window as unknown as SdkWindow;
        const store = new sdk.IndexedDbKeyStore(SERVER, { kdf: 'interactive' });
        await store.save(device, PASSPHRASE);
        const wrong = await store.load(ALICE, `${PASSPHRASE}!`).then(
          () => 'opened',
          (err: Error) => (err instanceof sdk.WrongPassphraseError ? 'WrongPassphraseError' : String(err)),
        );
        const missing = await store.load(crypto.randomUUID(), PASSPHRASE).then(
          () => 'opened',
          (err: Error) => err.message,
        );
        return { wrong, missing, right: (await store.load(ALICE, PASSPHRASE)).deviceId };
      },
      { device, SERVER, ALICE, PASSPHRASE },
    );
    expect(outcome).toEqual({
      wrong: 'WrongPassphraseError',
      missing: expect.stringContaining('This browser has no device keys for user') as unknown,
      right: device.deviceId,
    });
  });

  it('nothing private is in IndexedDB in clear: only the wrapped secret and the identity public key', async () => {
    const { page } = await withSdk('raw');
    const device = await makeDevice(page, { userId: ALICE, serverUrl: SERVER });
    await page.evaluate(
      async ({ device, SERVER, PASSPHRASE }) => {
        const { sdk } = window as unknown as SdkWindow;
        await new sdk.IndexedDbKeyStore(SERVER, { kdf: 'interactive' }).save(device, PASSPHRASE);
      },
      { device, SERVER, PASSPHRASE },
    );
    const raw = await rawRecords(page);
    expect(raw['device-keys']).toHaveLength(1);
    const record = JSON.parse(raw['device-keys'][0]) as Record<string, unknown>;
    expect(Object.keys(record).sort()).toEqual(
      [
        'serverUrl',
        'userId',
        'format',
        'identityPublicKey',
        'v',
        'kdf',
        'opslimit',
        'memlimit',
        'salt',
        'nonce',
        'ciphertext',
      ].sort(),
    );
    const dump = Object.values(raw).flat().join('\n');
    const secrets = [device.keys.x25519.privateKey, device.keys.ed25519.privateKey, device.identity!.privateKey];
    for (const secret of secrets) for (const form of clearForms(secret)) expect(dump).not.toContain(form);
    expect(dump).not.toContain(PASSPHRASE);
    // The search can find a key when it is there: the public identity key is, on purpose.
    expect(dump).toContain(device.identity!.publicKey);
  });

  it("the default strength (libsodium's MODERATE, 256 MiB) works in the browser too", async () => {
    const { page } = await withSdk('moderate');
    const device = await makeDevice(page, { userId: ALICE, serverUrl: SERVER });
    const loaded = await page.evaluate(
      async ({ device, SERVER, ALICE, PASSPHRASE }) => {
        const { sdk } = window as unknown as SdkWindow;
        const store = new sdk.IndexedDbKeyStore(SERVER);
        await store.save(device, PASSPHRASE);
        return store.load(ALICE, PASSPHRASE);
      },
      { device, SERVER, ALICE, PASSPHRASE },
    );
    expect(loaded).toEqual(device);
    const record = JSON.parse((await rawRecords(page))['device-keys'][0]) as { memlimit: number };
    expect(record.memlimit).toBe(256 * 1024 * 1024);
  });

  it("keys of another server or another person are never mixed up, and another server's device is refused", async () => {
    const { page } = await withSdk('mix-up');
    const here = await makeDevice(page, { userId: ALICE, serverUrl: SERVER });
    const there = await makeDevice(page, { userId: ALICE, serverUrl: OTHER_SERVER });
    const bob = await makeDevice(page, { userId: BOB, serverUrl: SERVER });
    const seen = await page.evaluate(
      async ({ here, there, bob, SERVER, OTHER_SERVER, ALICE, BOB, PASSPHRASE }) => {
        const { sdk } = window as unknown as SdkWindow;
        const opts = { kdf: 'interactive' as const };
        const a = new sdk.IndexedDbKeyStore(SERVER, opts);
        const b = new sdk.IndexedDbKeyStore(OTHER_SERVER, opts);
        const before = { bobThere: await b.exists(BOB), aliceThere: await b.exists(ALICE) };
        await a.save(here, PASSPHRASE);
        await a.save(bob, 'bob has his own passphrase');
        await b.save(there, PASSPHRASE);
        const refused = await a.save(there, PASSPHRASE).then(
          () => 'saved',
          (err: Error) => err.message,
        );
        // The same server, spelt with a capital and a trailing slash.
        const sameServer = new sdk.IndexedDbKeyStore(`${SERVER.toUpperCase().replace('HTTPS', 'https')}/`);
        return {
          before,
          aliceHere: (await a.load(ALICE, PASSPHRASE)).deviceId,
          aliceThere: (await b.load(ALICE, PASSPHRASE)).deviceId,
          bobHere: (await a.load(BOB, 'bob has his own passphrase')).deviceId,
          bobThere: await b.exists(BOB),
          identities: [await a.publicIdentity(ALICE), await b.publicIdentity(ALICE), await a.publicIdentity(BOB)],
          refused,
          spelling: (await sameServer.load(ALICE, PASSPHRASE)).deviceId,
        };
      },
      { here, there, bob, SERVER, OTHER_SERVER, ALICE, BOB, PASSPHRASE },
    );
    expect(seen).toEqual({
      before: { bobThere: false, aliceThere: false },
      aliceHere: here.deviceId,
      aliceThere: there.deviceId,
      bobHere: bob.deviceId,
      bobThere: false,
      identities: [here.identity!.publicKey, there.identity!.publicKey, bob.identity!.publicKey],
      refused: `This key store holds keys for ${SERVER}, not for ${OTHER_SERVER}.`,
      spelling: here.deviceId,
    });
  });

  it("trust pins persist across a reload, with the file trust store's semantics, each account's apart", async () => {
    const { page } = await withSdk('trust');
    const firstSeenAt = new Date(0).toISOString();
    const pin = (userId: string, n: number): PinnedDevice => ({
      deviceId: `${userId.slice(0, 8)}-device-${n}`,
      userId,
      x25519PublicKey: `x-${userId}-${n}`,
      ed25519PublicKey: `e-${userId}-${n}`,
      firstSeenAt,
    });
    const identity = (userId: string, key: string): PinnedIdentity => ({
      userId,
      identityPublicKey: key,
      firstSeenAt,
      verifiedAt: null,
    });
    const carol = '2d0c1e3f-4051-4c7d-8e9f-a0b1c2d3e4f5';
    await page.evaluate(
      async ({ SERVER, OTHER_SERVER, ALICE, BOB, pins, identities }) => {
        const { sdk } = window as unknown as SdkWindow;
        const alice = new sdk.IndexedDbTrustStore(SERVER, ALICE);
        for (const p of pins) await alice.pin(p);
        for (const i of identities) await alice.pinIdentity(i);
        // Bob on this browser, and Alice on another server, pin a device of their own.
        await new sdk.IndexedDbTrustStore(SERVER, BOB).pin({ ...pins[0], ed25519PublicKey: 'bob-saw-this' });
        await new sdk.IndexedDbTrustStore(OTHER_SERVER, ALICE).pin({ ...pins[0], ed25519PublicKey: 'elsewhere' });
      },
      {
        SERVER,
        OTHER_SERVER,
        ALICE,
        BOB,
        // The second pin of device 1 replaces the first, as in the file store.
        pins: [pin(BOB, 1), pin(BOB, 2), { ...pin(BOB, 1), x25519PublicKey: 'replaced' }, pin(carol, 1)],
        identities: [identity(BOB, 'bob-identity'), identity(carol, 'carol-identity')],
      },
    );

    await page.reload();
    await load(page);
    const read = () =>
      page.evaluate(
        async ({ SERVER, OTHER_SERVER, ALICE, BOB, carol }) => {
          const { sdk } = window as unknown as SdkWindow;
          const alice = new sdk.IndexedDbTrustStore(SERVER, ALICE);
          const byId = (ds: PinnedDevice[]) => [...ds].sort((x, y) => x.deviceId.localeCompare(y.deviceId));
          return {
            bobDevices: byId(await alice.devicesOf(BOB)),
            carolDevices: await alice.devicesOf(carol),
            bobIdentity: await alice.getIdentity(BOB),
            carolIdentity: await alice.getIdentity(carol),
            device1: await alice.get(`${BOB.slice(0, 8)}-device-1`),
            asBob: await new sdk.IndexedDbTrustStore(SERVER, BOB).devicesOf(BOB),
            otherServer: await new sdk.IndexedDbTrustStore(OTHER_SERVER, ALICE).devicesOf(BOB),
            otherServerIdentity: await new sdk.IndexedDbTrustStore(OTHER_SERVER, ALICE).getIdentity(BOB),
          };
        },
        { SERVER, OTHER_SERVER, ALICE, BOB, carol },
      );
    const replaced = { ...pin(BOB, 1), x25519PublicKey: 'replaced' };
    expect(await read()).toEqual({
      bobDevices: [replaced, pin(BOB, 2)],
      carolDevices: [pin(carol, 1)],
      bobIdentity: identity(BOB, 'bob-identity'),
      carolIdentity: identity(carol, 'carol-identity'),
      device1: replaced,
      asBob: [{ ...pin(BOB, 1), ed25519PublicKey: 'bob-saw-this' }],
      otherServer: [{ ...pin(BOB, 1), ed25519PublicKey: 'elsewhere' }],
      otherServerIdentity: undefined,
    });

    // Forgetting Bob drops his identity and every device of his, in Alice's pins only; Carol stays.
    await page.evaluate(
      async ({ SERVER, ALICE, BOB }) => {
        const { sdk } = window as unknown as SdkWindow;
        await new sdk.IndexedDbTrustStore(SERVER, ALICE).forgetUser(BOB);
      },
      { SERVER, ALICE, BOB },
    );
    await page.reload();
    await load(page);
    expect(await read()).toEqual({
      bobDevices: [],
      carolDevices: [pin(carol, 1)],
      bobIdentity: undefined,
      carolIdentity: identity(carol, 'carol-identity'),
      device1: undefined,
      asBob: [{ ...pin(BOB, 1), ed25519PublicKey: 'bob-saw-this' }],
      otherServer: [{ ...pin(BOB, 1), ed25519PublicKey: 'elsewhere' }],
      otherServerIdentity: undefined,
    });
  });
});
