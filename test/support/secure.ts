import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import {
  enrolFirstDevice,
  MemoryTrustStore,
  SecureSession,
  type IdentityKeys,
  type StoredDevice,
  type StrongroomClient,
} from '../../client/sdk/index.js';
import { signDevice } from '../../client/sdk/crypto/identity.js';
import { encryptMessage, messageChainLink, type MessageHeader } from '../../client/sdk/crypto/channel-crypto.js';
import type { TestApp } from './test-app.js';

/** Each test user's identity key, as their first device made it, so later devices can be approved. */
const identities = new Map<string, IdentityKeys>();

/**
 * Registers a fresh, approved device for a signed-in client (real libsodium keys, protocol v2): the user's
 * first device makes their identity key; a later one is signed with it, as the recovery key would.
 */
export async function approvedDevice(client: StrongroomClient, label = 'test device'): Promise<StoredDevice> {
  const me = await client.me();
  const identity = identities.get(me.user.id);
  if (!identity) {
    const first = await enrolFirstDevice(client, label);
    identities.set(me.user.id, first.stored.identity!);
    return first.stored;
  }
  const { device, keys } = await client.createDevice(me.user.id, label);
  const stored: StoredDevice = { userId: me.user.id, deviceId: device.id, serverUrl: client.serverUrl, keys, identity };
  await client.approveDevice(device.id, {
    identitySignature: await signDevice(identity, {
      userId: me.user.id,
      deviceId: device.id,
      x25519PublicKey: keys.x25519.publicKey,
      ed25519PublicKey: keys.ed25519.publicKey,
    }),
  });
  return stored;
}

/** A test user's identity key, once their first device made it. */
export const identityOf = (userId: string): IdentityKeys | undefined => identities.get(userId);

/** Registers a fresh approved device for a signed-in client and opens a secure session on it. */
export async function secureSession(
  client: StrongroomClient,
  label = 'test device',
  t?: TestApp,
): Promise<SecureSession> {
  return new SecureSession(
    client,
    await approvedDevice(client, label),
    new MemoryTrustStore(),
    t ? () => t.clock.now() : undefined,
  );
}

/**
 * The whole database as text: `pg_dump` when one that fits the server is installed, otherwise every row
 * of every table cast to text (bytea as hex), which holds the same bytes.
 */
export async function dumpDatabase(url: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('pg_dump', ['--no-owner', '--dbname', url], {
      maxBuffer: 512 * 1024 * 1024,
    });
    return stdout;
  } catch {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows: tables } = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
      );
      const parts: string[] = [];
      for (const { table_name } of tables) {
        const { rows } = await client.query<{ row: string }>(`SELECT t::text AS row FROM "${table_name}" t`);
        parts.push(`-- ${table_name}\n${rows.map((r) => r.row).join('\n')}`);
      }
      return parts.join('\n');
    } finally {
      await client.end();
    }
  }
}

/** Every way a marker could sit in a dump: as text, as the hex of bytea, as base64 or base64url. */
export function markerForms(marker: string): string[] {
  const bytes = Buffer.from(marker, 'utf8');
  return [marker, bytes.toString('hex'), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url')];
}

/** This device's next counter and chain link in the channel, as the SDK's send takes them. */
async function nextInChain(s: SecureSession, channelId: string): Promise<{ n: number; prev: string | null }> {
  const { last } = await s.client.messageChainHead(channelId, s.deviceId);
  if (!last) return { n: 1, prev: null };
  return { n: last.n + 1, prev: await messageChainLink({ v: 2, channelId, senderDeviceId: s.deviceId, ...last }) };
}

/**
 * A message sealed by hand with the session's own keys, so a test can bend one thing at a time. It
 * continues the device's chain in the channel (as stored now), unless `over` says otherwise.
 */
export async function seal(
  s: SecureSession,
  channelId: string,
  body: string,
  over: Partial<MessageHeader> = {},
  signer?: string,
) {
  const epoch = over.epoch ?? (await s.client.channel(channelId)).currentEpoch;
  const chain = over.n === undefined ? await nextInChain(s, channelId) : { n: over.n, prev: over.prev ?? null };
  const header: MessageHeader = {
    v: 2,
    channelId,
    epoch,
    senderDeviceId: s.deviceId,
    clientMessageId: randomUUID(),
    ...chain,
    sentAt: new Date().toISOString(),
    ...over,
  };
  const sealed = await encryptMessage(
    header,
    { type: 'text', body },
    await s.keyFor(channelId, epoch),
    signer ?? s.device.keys.ed25519.privateKey,
  );
  return {
    epoch: header.epoch,
    senderDeviceId: header.senderDeviceId,
    clientMessageId: header.clientMessageId,
    nonce: sealed.nonce,
    ciphertext: sealed.ciphertext,
    signature: sealed.signature,
    n: header.n,
    prev: header.prev,
    sentAt: header.sentAt,
    seen: header.seen ?? null,
  };
}

/** Messages sealed by hand to be sent in this order: each continues the device's chain from the one before. */
export async function sealRun(s: SecureSession, channelId: string, bodies: string[]) {
  const out: Awaited<ReturnType<typeof seal>>[] = [];
  let chain = await nextInChain(s, channelId);
  for (const body of bodies) {
    const p = await seal(s, channelId, body, chain);
    out.push(p);
    const { nonce: _n, ciphertext: _c, signature: _s, ...header } = p;
    chain = { n: p.n + 1, prev: await messageChainLink({ v: 2, channelId, ...header }) };
  }
  return out;
}
