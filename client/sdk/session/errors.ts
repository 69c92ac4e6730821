import { ROTATE_AND_RETRY_CODES, type ErrorCode } from '../../../contracts/errors.js';
import { StrongroomApiError } from '../transport/http.js';

/** Something this device cannot decrypt or trust (no key for the epoch, a bad signature, a forged sender). */
export class UnableToDecryptError extends Error {}

/**
 * A key this device refused (protocol v2): not from a trusted member's approved device, not announced to
 * it, altered, or not the key its maker committed to. The message names the conversation and the period.
 */
export class EpochRefusedError extends UnableToDecryptError {
  constructor(message: string) {
    super(message);
    this.name = 'EpochRefusedError';
  }
}

/**
 * A sealed field this device holds the key for that does not open as part of the record it was read
 * with: its bytes were altered, or it was moved there from another record, by someone who can write to
 * the server's database. A reader shows the rest of the record with a warning in its place.
 */
export class FieldBindingError extends UnableToDecryptError {
  constructor() {
    super('This field does not open as part of this record: it was altered, or moved here from another record.');
    this.name = 'FieldBindingError';
  }
}

/** This device is not (or no longer) approved by its owner's identity key, so it can make no keys. */
export class DeviceNotApprovedError extends Error {
  constructor() {
    super(
      'This device is not approved yet: approve it from another of your devices (strongroom device approve <code>) ' +
        'or set it up again with your recovery key (strongroom device init --recover).',
    );
    this.name = 'DeviceNotApprovedError';
  }
}

/**
 * A send the SDK kept trying (through network errors, timeouts, dropped sockets and 5xx answers) until
 * its retry policy's time ran out, without an acknowledgement. The message may or may not be stored:
 * send it again with the same `clientMessageId` and it is stored once (the SDK answers with the stored
 * copy if it was).
 */
export class SendNotConfirmedError extends Error {
  constructor(
    readonly channelId: string,
    readonly clientMessageId: string,
    seconds: number,
    cause: unknown,
  ) {
    super(
      `The message could not be confirmed as sent: the server could not be reached or was unavailable for ` +
        `${seconds} s (last: ${cause instanceof Error ? cause.message : String(cause)}). It may have arrived: ` +
        `send it again with client message id ${clientMessageId} and it will be stored only once.`,
      { cause },
    );
    this.name = 'SendNotConfirmedError';
  }
}

/** A refusal after which the SDK opens (or fetches) a newer key epoch and tries again. */
export type RotateAndRetryCode = (typeof ROTATE_AND_RETRY_CODES)[number];

const ROTATE_AND_RETRY: ReadonlySet<string> = new Set<ErrorCode>(ROTATE_AND_RETRY_CODES);

/**
 * Whether a server refused with one of the rotate-and-retry codes. Callers then switch over `err.code`
 * exhaustively (ending in `unhandledCode`), so a code added to `ROTATE_AND_RETRY_CODES` fails the build
 * until each retry loop decides what it means there.
 */
export function isRotateAndRetry(err: unknown): err is StrongroomApiError & { readonly code: RotateAndRetryCode } {
  return err instanceof StrongroomApiError && ROTATE_AND_RETRY.has(err.code);
}

/** The end of an exhaustive switch: unreachable while every case is handled. */
export function unhandledCode(code: never): never {
  throw new Error(`Unhandled error code: ${String(code)}`);
}
