import type { KeyObject } from 'node:crypto';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SendMessageInput } from '../../contracts/messages.js';
import { messageSigningBytes } from '../channels/channel-proofs.js';
import { ed25519PublicKey } from '../identity/device-proof.js';
import { DevicesRepository } from '../identity/devices.repository.js';
import type { SignatureCheck } from './send-decision.js';
import { SignatureWorker } from './signature-worker.js';

const KEY_CACHE_LIMIT = 10_000;

/**
 * Checks a message's signature outside any transaction and off the event loop (SignatureWorker: the sends
 * of one turn of the event loop in one job), while the send waits in the queue. The verdict is only
 * revealed by decideSend, after the membership checks.
 */
@Injectable()
export class MessageSignatures implements OnApplicationShutdown {
  /**
   * Device id → owner and Ed25519 key (null when what is stored is not a valid key: every signature is
   * refused). Both are fixed for a device's life; revocation is checked per batch.
   */
  private readonly signingKeys = new Map<string, { userId: string; key: KeyObject | null }>();
  private readonly worker = new SignatureWorker();

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly devices: DevicesRepository,
  ) {}

  async check(
    userId: string,
    channelId: string,
    dto: SendMessageInput,
    nonce: Buffer,
    ciphertext: Buffer,
    signature: Buffer,
  ): Promise<SignatureCheck> {
    const key = await this.signingKey(dto.senderDeviceId);
    if (!key || key.userId !== userId) return 'not_your_device';
    if (!key.key) return 'bad';
    const signed = messageSigningBytes(
      {
        channelId,
        epoch: dto.epoch,
        senderDeviceId: dto.senderDeviceId,
        clientMessageId: dto.clientMessageId,
        n: dto.n,
        // As stored and served: a non-canonical base64url would not rebuild the signed bytes for readers.
        prev: dto.prev === null ? null : Buffer.from(dto.prev, 'base64url').toString('base64url'),
        sentAt: dto.sentAt,
        seen: dto.seen ? { ...dto.seen, link: Buffer.from(dto.seen.link, 'base64url').toString('base64url') } : null,
      },
      nonce,
      ciphertext,
    );
    return (await this.worker.verify({ publicKey: key.key, message: signed, signature })) ? 'ok' : 'bad';
  }

  /** After the writer has drained (beforeApplicationShutdown): nothing is waiting for a signature any more. */
  async onApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  private async signingKey(deviceId: string): Promise<{ userId: string; key: KeyObject | null } | null> {
    const cached = this.signingKeys.get(deviceId);
    if (cached) return cached;
    const row = await this.devices.byId(this.db.manager, deviceId);
    if (!row) return null;
    const entry = { userId: row.userId, key: keyOrNull(row.ed25519PublicKey) };
    if (this.signingKeys.size >= KEY_CACHE_LIMIT) this.signingKeys.delete(this.signingKeys.keys().next().value!);
    this.signingKeys.set(deviceId, entry);
    return entry;
  }
}

function keyOrNull(raw: Buffer): KeyObject | null {
  try {
    return ed25519PublicKey(raw);
  } catch {
    return null;
  }
}
