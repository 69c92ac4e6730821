import os from 'node:os';
import type { Command } from 'commander';
import {
  approveDeviceByCode,
  DeviceApprovalError,
  enrolFirstDevice,
  FileKeyStore,
  completeApproval,
  recoverDevice,
  recoverWaitingDevice,
  requestDevice,
  safetyNumber,
  StrongroomApiError,
  type StrongroomClient,
} from '../../sdk/node.js';
import type { Action } from '../cli.js';
import { confirm, withYes, type ConfirmOpts } from '../confirm.js';
import { CliUsageError, type CliContext } from '../context.js';
import { table } from '../output.js';
import { resolveDevice } from '../secure.js';
import { keyStoreDir } from '../state.js';
import { newSecret } from './auth/new-secret.js';

/**
 * Said before the passphrase is chosen: nobody can reset it, and with the recovery key it is the only way
 * back to what was shared with this person.
 */
export const PASSPHRASE_WARNING =
  'Choose a passphrase for this device: it encrypts your private keys here, and nobody (not even an\n' +
  'administrator) can reset it. If you lose both this passphrase and your recovery key, the messages and\n' +
  'records shared with you cannot be read again.\n';

/** Long enough that Argon2id has something to work with; the passphrase never leaves this computer. */
const MIN_PASSPHRASE = 10;

export interface InitDeviceOpts {
  label: string;
  recover?: boolean;
}

/**
 * Adding a device needs the password entered in the last few minutes: asks for it (and the authenticator
 * code) when the server says so, then tries once more.
 */
async function withStepUp<T>(ctx: CliContext, client: StrongroomClient, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (!(err instanceof StrongroomApiError) || err.code !== 'step_up_required') throw err;
  }
  ctx.io.err('To add a device, confirm it is you.\n');
  const password = await ctx.secret('STRONGROOM_PASSWORD', 'Password: ');
  const me = await client.me();
  const totp = me.user.mfaEnabled ? await ctx.secret('STRONGROOM_TOTP', 'Authenticator code: ') : undefined;
  await client.stepUp({ password, ...(totp ? { totp } : {}) });
  return step();
}

/**
 * `device init`: key pairs made here, public keys registered, private keys stored encrypted with the
 * passphrase. A person's first device also makes their identity key and shows the recovery key once; a
 * further device waits for approval from another device, or approves itself with `--recover`.
 */
async function initDevice(ctx: CliContext, opts: InitDeviceOpts): Promise<void> {
  const { client } = await ctx.sessionClient();
  const store = ctx.keyStore();
  const me = await client.me();
  if (await store.exists(me.user.id)) {
    if (opts.recover) return recoverHere(ctx, client, store, me.user.id);
    throw new CliUsageError(
      `This computer already holds device keys for ${me.user.email} (${keyStoreDir(ctx.io.env)}). ` +
        'Revoke that device first (`strongroom device list`, `strongroom device revoke <id>`) and delete its key file to start again.',
    );
  }
  const { identityPublicKey } = await client.userIdentity(me.user.id);
  if (opts.recover && !identityPublicKey) {
    throw new CliUsageError(
      'You have no identity key yet, so there is nothing to recover: run `strongroom device init`.',
    );
  }
  const recoveryKey = opts.recover ? await ctx.secret('STRONGROOM_RECOVERY_KEY', 'Recovery key: ') : undefined;
  ctx.progress(PASSPHRASE_WARNING);
  const passphrase = await newSecret(ctx, 'STRONGROOM_PASSPHRASE', 'passphrase');
  if (passphrase.length < MIN_PASSPHRASE) {
    throw new CliUsageError(`Use a passphrase of at least ${MIN_PASSPHRASE} characters.`);
  }
  ctx.progress('Making key pairs and registering the public keys…\n');
  const save = async (stored: Parameters<FileKeyStore['save']>[0]) => {
    ctx.progress('Encrypting the private keys with your passphrase…\n');
    await store.save(stored, passphrase);
  };
  const where = `Private keys stored encrypted in ${keyStoreDir(ctx.io.env)}.\n`;

  if (!identityPublicKey) {
    const first = await withStepUp(ctx, client, () => enrolFirstDevice(client, opts.label));
    await save(first.stored);
    const number = await safetyNumber(first.stored.identity!.publicKey);
    ctx.print(
      { device: first.device, safetyNumber: number, recoveryKey: first.recoveryKey },
      `Device registered: ${first.device.label} (${first.device.id}).\n${where}\n` +
        'Your RECOVERY KEY, shown this once:\n\n' +
        `    ${first.recoveryKey}\n\n` +
        'Write it down or keep it in a password manager, away from this computer. With it you can set up a new\n' +
        'device if you lose this one (strongroom device init --recover). If you lose both this passphrase and\n' +
        'the recovery key, nobody can give you back access to what was shared with you.\n\n' +
        `Your safety number: ${number}\n` +
        'Partners compare it with what they see for you (strongroom fingerprint <you>).\n',
    );
    return;
  }
  if (recoveryKey) {
    const recovered = await withStepUp(ctx, client, () => recoverDevice(client, opts.label, recoveryKey));
    await save(recovered.stored);
    ctx.print(
      { device: recovered.device, approved: true },
      `Device registered and approved with your recovery key: ${recovered.device.label} (${recovered.device.id}).\n${where}` +
        `Your safety number is unchanged: ${await safetyNumber(identityPublicKey)}\n`,
    );
    return;
  }
  const waiting = await withStepUp(ctx, client, () => requestDevice(client, opts.label));
  await save(waiting.stored);
  ctx.print(
    { device: waiting.device, approved: false, code: waiting.code },
    `Device registered: ${waiting.device.label} (${waiting.device.id}), waiting for approval.\n${where}\n` +
      'On a device you already use, run:\n\n' +
      `    strongroom device approve ${waiting.code}\n\n` +
      'and check that it shows this same code. Or, without another device, approve this one with your\n' +
      'recovery key: run `strongroom device init --recover` here.\n' +
      'Until it is approved this device receives no keys.\n',
  );
}

/**
 * `device init --recover` on a computer whose device is still waiting for approval: that device is
 * approved with the recovery key (nothing new is registered), unless it was approved meanwhile.
 */
async function recoverHere(
  ctx: CliContext,
  client: StrongroomClient,
  store: FileKeyStore,
  userId: string,
): Promise<void> {
  const passphrase = await ctx.secret('STRONGROOM_PASSPHRASE', 'Device passphrase: ');
  const stored = await store.load(userId, passphrase);
  if (stored.identity) {
    throw new CliUsageError('This computer’s device is approved already: there is nothing to recover.');
  }
  const approved = await completeApproval(client, stored);
  if (approved) {
    await store.save(approved, passphrase);
    ctx.print(
      { device: await client.device(stored.deviceId), approved: true },
      'This device has been approved from another of your devices already: it now holds your identity key.\n',
    );
    return;
  }
  const recoveryKey = await ctx.secret('STRONGROOM_RECOVERY_KEY', 'Recovery key: ');
  const recovered = await recoverWaitingDevice(client, stored, recoveryKey);
  await store.save(recovered.stored, passphrase);
  const { identityPublicKey } = await client.userIdentity(userId);
  ctx.print(
    { device: recovered.device, approved: true },
    `This device is approved with your recovery key: ${recovered.device.label} (${recovered.device.id}).\n` +
      `Your safety number is unchanged: ${await safetyNumber(identityPublicKey!)}\n`,
  );
}

/** `device approve <code>`: on a device you already use, approve your new device showing that code. */
async function approveDevice(ctx: CliContext, _opts: unknown, code: string): Promise<void> {
  const s = await ctx.secureSession();
  try {
    const approved = await approveDeviceByCode(s.client, s.device, code).catch((err: unknown) => {
      throw err instanceof DeviceApprovalError ? new CliUsageError(err.message) : err;
    });
    ctx.print(
      approved,
      `Approved: ${approved.label} (${approved.id}). It now receives keys to your conversations, and ` +
        'your partners’ clients trust it as yours.\n',
    );
  } finally {
    s.close();
  }
}

/** `device list`: your active devices, which wait for approval, and your safety number. */
async function listDevices(ctx: CliContext): Promise<void> {
  const { client } = await ctx.sessionClient();
  const me = await client.me();
  const devices = await client.myDevices();
  const { identityPublicKey } = await client.userIdentity(me.user.id);
  // Your own number from the identity key this computer holds: the server could show anyone's for you.
  const local = await ctx.keyStore().publicIdentity(me.user.id);
  const mine = local ?? identityPublicKey;
  const number = mine ? await safetyNumber(mine) : null;
  const mismatch = local !== null && local !== identityPublicKey;
  const rows = devices.map((d) => ({ ...d, status: d.approvedAt ? 'approved' : 'WAITING FOR APPROVAL' }));
  ctx.print(
    { devices, safetyNumber: number, ...(mismatch ? { serverShowsAnotherIdentity: true } : {}) },
    () =>
      table(rows, [
        ['id', 'DEVICE'],
        ['label', 'LABEL'],
        ['status', 'STATUS'],
        ['createdAt', 'REGISTERED'],
      ]) +
      (rows.some((d) => !d.approvedAt)
        ? '\nA device waiting for approval gets no keys. If you did not add it, revoke it now and change your password.\n'
        : '') +
      (number ? `\nSafety number: ${number}\n` : '\nNo identity key yet: run `strongroom device init`.\n') +
      (mismatch
        ? 'WARNING: the server shows a different identity key for you than this computer holds. Someone may ' +
          'have tampered with it: tell your partners not to accept a new safety number for you.\n'
        : ''),
  );
}

export interface RevokeDeviceOpts extends ConfirmOpts {
  reason?: string;
}

/** `device revoke`: the device stops receiving keys. */
async function revokeDevice(ctx: CliContext, opts: RevokeDeviceOpts, which: string): Promise<void> {
  const { client } = await ctx.sessionClient();
  const deviceId = await resolveDevice(client, which);
  await confirm(ctx, opts, `Revoking ${which}: it gets no keys from now on. A revoked device cannot be used again.`);
  const revoked = await client.revokeDevice(deviceId, opts.reason);
  ctx.print(revoked, `Device ${revoked.label} (${revoked.id}) revoked.\n`);
}

export function registerDeviceCommands(program: Command, action: Action): void {
  const device = program.command('device').description("This computer's device keys, and your registered devices");
  device
    .command('init')
    .description("Make this device's key pairs, register the public keys, keep the private keys here encrypted")
    .option('--label <name>', 'how this device is listed to you and your partners', `${os.hostname()} (CLI)`)
    .option('--recover', 'approve this device with your recovery key (no other device needed); also for one waiting')
    .addHelpText(
      'after',
      '\nThe private keys are encrypted with a key derived from your passphrase (Argon2id) and stored in\n' +
        'STRONGROOM_HOME/keys. The passphrase comes from STRONGROOM_PASSPHRASE or a prompt (asked twice).\n' +
        'Adding a device asks for your password again (STRONGROOM_PASSWORD, and STRONGROOM_TOTP for the\n' +
        'authenticator code) unless you signed in within the last few minutes.\n\n' +
        'Your first device makes your identity key and shows your recovery key once: keep it safe. A later\n' +
        'device waits until you approve it from one you already use (strongroom device approve <code>), or\n' +
        'approves itself with --recover (the key is read from STRONGROOM_RECOVERY_KEY or a prompt).',
    )
    .action(action(initDevice));
  device
    .command('approve <code>')
    .description('Approve your new device that shows this code (run it on a device you already use)')
    .addHelpText(
      'after',
      '\nThe new device prints its code after `strongroom device init`. Check it is the same code: a device\n' +
        'you approve receives keys to all your conversations.',
    )
    .action(action(approveDevice));
  device
    .command('list')
    .description('Your devices, which wait for approval, and your safety number')
    .action(action(listDevices));
  withYes(
    device
      .command('revoke <device>')
      .description('Revoke a device (a lost laptop, say): it stops receiving keys; named by label or id')
      .option('--reason <text>', 'why, for the audit trail'),
  ).action(action(revokeDevice));
}
