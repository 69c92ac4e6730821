import path from 'node:path';
import {
  completeApproval,
  deviceCode,
  safetyNumber,
  FileKeyStore,
  FileTrustStore,
  SecureSession,
  SendNotConfirmedError,
  StrongroomApiError,
  StrongroomClient,
  StrongroomNetworkError,
  type StoredDevice,
} from '../sdk/node.js';
import { agentDevice } from './agent/client.js';
import type { CliIO } from './io.js';
import { checkServerAddress, loadSavedServer, saveServer } from './server-address.js';
import { homeDir, keyStoreDir, loadSession, type CliSession } from './state.js';
import { systemProblem } from './system-errors.js';

/**
 * Exit code of `read` and `tail` when a message shown failed verification (altered, or not provably from
 * the person the server names): everything was printed, but the output must not be taken as sound.
 */
export const EXIT_UNVERIFIED = 6;

/**
 * A mistake in how the command was called, or something the person must do first. Exit code 2; with
 * `--json`, `code` (default `usage`) and `details` say which, for scripts.
 */
export class CliUsageError extends Error {
  constructor(
    message: string,
    readonly code = 'usage',
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export interface GlobalOptions {
  server?: string;
  json?: boolean;
  insecure?: boolean;
}

/** What every command gets: the I/O, the global options, and helpers for the session and secrets. */
export class CliContext {
  constructor(
    readonly io: CliIO,
    readonly opts: GlobalOptions,
  ) {}

  get json(): boolean {
    return this.opts.json === true;
  }

  /**
   * The server: `--server`, else `STRONGROOM_URL`, else the one signed in to, else the one remembered
   * from the first time it was given; with none of those, the person is asked once (and it is remembered).
   * Plain http is refused but to this computer, unless `--insecure` now or when it was remembered.
   */
  async serverUrl(session?: CliSession | null): Promise<string> {
    const saved = await loadSavedServer(this.io.env);
    let typed = this.opts.server || this.io.env.STRONGROOM_URL || session?.server || saved?.server;
    const asked = !typed;
    if (!typed) {
      typed =
        (await this.io.ask(
          'Your Strongroom server’s address (for example https://strongroom.your-council.example): ',
        )) ?? undefined;
      if (!typed) {
        throw new CliUsageError(
          'Which Strongroom server? Give its address once with --server https://… (it is remembered), or set STRONGROOM_URL.',
          'server_unknown',
        );
      }
    }
    const address = checkServerAddress(typed, true);
    if (!address.ok) throw new CliUsageError(address.problem, 'server_address');
    const allowed = this.opts.insecure === true || (saved?.insecure === true && saved.server === address.url);
    const checked = checkServerAddress(address.url, allowed);
    if (!checked.ok) throw new CliUsageError(checked.problem, 'insecure_server');
    if (asked || !saved) await saveServer(this.io.env, { server: checked.url, insecure: allowed });
    return checked.url;
  }

  /** Remembers `serverUrl` as this person's server (after signing in to it), with `--insecure` if it was needed. */
  async rememberServer(serverUrl: string): Promise<void> {
    const saved = await loadSavedServer(this.io.env);
    const insecure = this.opts.insecure === true || (saved?.insecure === true && saved.server === serverUrl);
    await saveServer(this.io.env, { server: serverUrl, insecure });
  }

  /** A client for `serverUrl`; the first answer from a server newer than this command prints a warning once. */
  private client(serverUrl: string, token?: string): StrongroomClient {
    return new StrongroomClient(serverUrl, token, {
      onNewerServer: (theirs, ours) => {
        if (this.warnedNewer) return;
        this.warnedNewer = true;
        this.io.err(
          `Warning: the server is newer than this strongroom command (it speaks version ${theirs} of the API, this ` +
            `command ${ours}). Most things still work; update the command: npm install -g ${serverUrl}/downloads/strongroom-cli.tgz\n`,
        );
      },
    });
  }
  private warnedNewer = false;

  /** A client without a session (login, accepting an invitation, health). */
  async anonymousClient(): Promise<StrongroomClient> {
    return this.client(await this.serverUrl(await loadSession(this.io.env)));
  }

  /** A client for the saved session; refuses clearly when there is none. */
  async sessionClient(): Promise<{ client: StrongroomClient; session: CliSession }> {
    const session = await loadSession(this.io.env);
    if (!session) throw new CliUsageError('You are not signed in. Run `strongroom login` first.');
    return { client: this.client(await this.serverUrl(session), session.token), session };
  }

  /**
   * This computer's encrypted key store. New stores stretch the passphrase at libsodium's MODERATE
   * limits; `STRONGROOM_KDF=interactive` lowers that for the test suite only (it makes hundreds of
   * stores), and any other value is refused rather than silently ignored.
   */
  keyStore(): FileKeyStore {
    const kdf = this.io.env.STRONGROOM_KDF || 'moderate';
    if (kdf !== 'moderate' && kdf !== 'interactive') {
      throw new CliUsageError(
        'STRONGROOM_KDF must be "moderate" (the default) or "interactive" (for tests only), or left unset.',
      );
    }
    return new FileKeyStore(keyStoreDir(this.io.env), { kdf, privateRoot: homeDir(this.io.env) });
  }

  /**
   * The signed-in session with this computer's device keys unlocked: from the unlock agent when
   * `strongroom unlock` left one running for this person, else with the passphrase (STRONGROOM_PASSPHRASE
   * or a prompt). What every end-to-end encrypted command needs.
   */
  async secureSession(): Promise<SecureSession> {
    const { client, session } = await this.sessionClient();
    const store = this.keyStore();
    if (!(await store.exists(session.userId))) {
      throw new CliUsageError('This computer has no device keys for you yet. Run `strongroom device init` first.');
    }
    const device =
      (await agentDevice(this.io.env, session.userId, store.path(session.userId), (m) =>
        this.io.err(`Warning: ${m}\n`),
      )) ?? (await this.unlockDevice(client, store, session.userId));
    const home = homeDir(this.io.env);
    const trust = new FileTrustStore(path.join(home, 'trust', `${session.userId}.json`), { privateRoot: home });
    // A long wait is never silent: the first retry of an operation says what is going on.
    const secure = new SecureSession(client, device, trust, undefined, {
      retry: {
        onRetry: (err, _wait, attempt) => {
          if (attempt !== 1) return;
          const why = err instanceof StrongroomApiError ? err.message : 'the server cannot be reached';
          this.io.err(`Still trying (${why.replace(/\.$/, '')}); giving up after a minute. Ctrl+C to stop.\n`);
        },
      },
    });
    secure.onWarning((message) => this.io.err(`Warning: ${message}\n`));
    return secure;
  }

  /**
   * This person's device keys opened with the passphrase (STRONGROOM_PASSPHRASE or a prompt). A device
   * still waiting for approval keeps the identity key sent to it once another device approved it, and
   * is refused until then.
   */
  async unlockDevice(client: StrongroomClient, store: FileKeyStore, userId: string): Promise<StoredDevice> {
    const passphrase = await this.secret(
      'STRONGROOM_PASSPHRASE',
      'Device passphrase: ',
      'run `strongroom unlock` in a terminal first, or set STRONGROOM_PASSPHRASE for a script',
    );
    const device = await store.load(userId, passphrase);
    if (device.identity) return device;
    // Waiting for approval: once another of this person's devices approved it, keep the identity key sent.
    const approved = await completeApproval(client, device);
    if (!approved) {
      const code = await deviceCode(device.keys.x25519.publicKey, device.keys.ed25519.publicKey);
      throw new CliUsageError(
        `This device is waiting for approval. On a device you already use, run: strongroom device approve ${code}\n` +
          'Or approve it here with your recovery key: strongroom device init --recover',
      );
    }
    await store.save(approved, passphrase);
    this.io.err(
      `This device has been approved: it now holds your identity key, safety number\n    ${await safetyNumber(approved.identity!.publicKey)}\n` +
        'Check it is the number `strongroom device list` shows on the device that approved it. If not, revoke this one.\n',
    );
    return approved;
  }

  /**
   * A secret from its environment variable (for scripts) or a hidden prompt (for people). Never from
   * the command line, where it would land in shell history and the process list.
   */
  async secret(envName: string, question: string, otherwise?: string): Promise<string> {
    const fromEnv = this.io.env[envName];
    if (fromEnv) return fromEnv;
    const answer = await this.io.ask(question, { secret: true });
    if (answer === null) {
      throw new CliUsageError(
        `No terminal to ask on: ${otherwise ?? `set ${envName} to pass this secret to a script`}.`,
      );
    }
    if (!answer) throw new CliUsageError('Nothing was entered.');
    return answer;
  }

  /** Prints `value` as JSON with --json, otherwise the human rendering. */
  print(value: unknown, human: string | (() => string)): void {
    if (this.json) this.io.out(JSON.stringify(value, null, 2) + '\n');
    else this.io.out(typeof human === 'string' ? human : human());
  }

  /** Progress for long operations goes to stderr, so it never mixes with --json output. */
  progress(text: string): void {
    if (!this.json) this.io.err(text);
  }
}

/**
 * Exit codes: 0 done, 1 refused by the server, 2 usage, 3 server unreachable, 4 local key store problem
 * (and `export verify`'s own 5: an intact export whose signers are not all anchored; and 6,
 * EXIT_UNVERIFIED, returned by `read` and `tail` themselves, never by an error).
 */
export function reportError(ctx: { io: CliIO; json: boolean }, err: unknown): number {
  if (err instanceof StrongroomApiError) {
    if (ctx.json) {
      ctx.io.out(
        JSON.stringify(
          { error: { status: err.status, code: err.code, message: err.message, details: err.details } },
          null,
          2,
        ) + '\n',
      );
    } else {
      ctx.io.err(`Error: ${err.message} (${err.code}, HTTP ${err.status})\n`);
      const fieldErrors = (err.details as { fields?: Record<string, string[]> } | undefined)?.fields;
      for (const [field, problems] of Object.entries(fieldErrors ?? {}))
        ctx.io.err(`  ${field}: ${problems.join('; ')}\n`);
    }
    return 1;
  }
  // 4 covers this computer's own refusals: a wrong passphrase, a changed key (KeyChangedError), no key.
  // A send never confirmed is the network's doing too: run it again with the same --client-message-id.
  const unreachable = err instanceof StrongroomNetworkError || err instanceof SendNotConfirmedError;
  const code = err instanceof CliUsageError ? 2 : unreachable ? 3 : 4;
  const message = systemProblem(err) ?? (err instanceof Error ? err.message : String(err));
  if (ctx.json) {
    const details = err instanceof CliUsageError ? err.details : undefined;
    const name = err instanceof CliUsageError ? err.code : code === 3 ? 'unreachable' : 'local_error';
    ctx.io.out(JSON.stringify({ error: { code: name, message, ...(details ? { details } : {}) } }, null, 2) + '\n');
  } else ctx.io.err(`Error: ${message}\n`);
  return code;
}
