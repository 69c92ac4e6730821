import os from 'node:os';
import type { Command } from 'commander';
import { FileKeyStore, fingerprint } from '../../sdk/node.js';
import type { Action } from '../cli.js';
import { CliUsageError, type CliContext } from '../context.js';
import { table } from '../output.js';
import { keyStoreDir } from '../state.js';
import { newSecret } from './auth/new-secret.js';

/** Long enough that Argon2id has something to work with; the passphrase never leaves this computer. */
const MIN_PASSPHRASE = 10;

export interface InitDeviceOpts {
  label: string;
}

/** `device init`: key pairs made here, public keys registered, private keys stored encrypted with the passphrase. */
async function initDevice(ctx: CliContext, opts: InitDeviceOpts): Promise<void> {
  const { client, session } = await ctx.sessionClient();
  const store = new FileKeyStore(keyStoreDir(ctx.io.env));
  const me = await client.me();
  if (await store.exists(me.user.id)) {
    throw new CliUsageError(
      `This computer already holds device keys for ${me.user.email} (${keyStoreDir(ctx.io.env)}). ` +
        'Revoke that device first (`strongroom device list`, `strongroom device revoke <id>`) and delete its key file to start again.',
    );
  }
  const passphrase = await newSecret(ctx, 'STRONGROOM_PASSPHRASE', 'passphrase');
  if (passphrase.length < MIN_PASSPHRASE) {
    throw new CliUsageError(`Use a passphrase of at least ${MIN_PASSPHRASE} characters.`);
  }
  ctx.progress('Making key pairs and registering the public keys…\n');
  const { device: registered, keys } = await client.createDevice(me.user.id, opts.label);
  ctx.progress('Encrypting the private keys with your passphrase…\n');
  await store.save({ userId: me.user.id, deviceId: registered.id, serverUrl: session.server, keys }, passphrase);
  const all = await client.myDevices();
  const safetyNumber = await fingerprint(all.map((d) => d.ed25519PublicKey));
  ctx.print(
    { device: registered, safetyNumber },
    () =>
      `Device registered: ${registered.label} (${registered.id}).\n` +
      `Private keys stored encrypted in ${keyStoreDir(ctx.io.env)}.\n` +
      `Your safety number: ${safetyNumber}\n`,
  );
}

/** `device list`: your active devices and your safety number. */
async function listDevices(ctx: CliContext): Promise<void> {
  const { client } = await ctx.sessionClient();
  const devices = await client.myDevices();
  const safetyNumber = devices.length ? await fingerprint(devices.map((d) => d.ed25519PublicKey)) : null;
  ctx.print(
    { devices, safetyNumber },
    () =>
      table(devices, [
        ['id', 'DEVICE'],
        ['label', 'LABEL'],
        ['createdAt', 'REGISTERED'],
      ]) + (safetyNumber ? `\nSafety number: ${safetyNumber}\n` : ''),
  );
}

export interface RevokeDeviceOpts {
  reason?: string;
}

/** `device revoke`: the device stops receiving keys. */
async function revokeDevice(ctx: CliContext, opts: RevokeDeviceOpts, deviceId: string): Promise<void> {
  const { client } = await ctx.sessionClient();
  const revoked = await client.revokeDevice(deviceId, opts.reason);
  ctx.print(revoked, `Device ${revoked.label} (${revoked.id}) revoked.\n`);
}

export function registerDeviceCommands(program: Command, action: Action): void {
  const device = program.command('device').description("This computer's device keys, and your registered devices");
  device
    .command('init')
    .description("Make this device's key pairs, register the public keys, keep the private keys here encrypted")
    .option('--label <name>', 'how this device is listed to you and your partners', `${os.hostname()} (CLI)`)
    .addHelpText(
      'after',
      '\nThe private keys are encrypted with a key derived from your passphrase (Argon2id) and stored in\n' +
        'STRONGROOM_HOME/keys. The passphrase comes from STRONGROOM_PASSPHRASE or a prompt (asked twice).\n' +
        'Compare the safety number it prints with the one your partners see for you.',
    )
    .action(action(initDevice));
  device.command('list').description('Your active devices and your safety number').action(action(listDevices));
  device
    .command('revoke <deviceId>')
    .description('Revoke a device (a lost laptop, say): it stops receiving keys')
    .option('--reason <text>', 'why, for the audit trail')
    .action(action(revokeDevice));
}
