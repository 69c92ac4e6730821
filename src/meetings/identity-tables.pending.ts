import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

// Owner: identity (table `devices`). Pending: the lead moves this into identity's repository at merge time.
@Injectable()
export class IdentityTablesPending {
  /** The Ed25519 public key of `userId`'s device `deviceId`, if it exists and is not revoked. */
  async activeDeviceSigningKey(m: EntityManager, deviceId: string, userId: string): Promise<Buffer | null> {
    const [device] = await m.query<{ ed25519_public_key: Buffer }[]>(
      'SELECT ed25519_public_key FROM devices WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL',
      [deviceId, userId],
    );
    return device?.ed25519_public_key ?? null;
  }
}
