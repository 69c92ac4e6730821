import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

// Owner: identity (devices). The lead moves this into the identity repository.
@Injectable()
export class IdentityTablesPending {
  /** A device's owner and Ed25519 public key (revoked or not: revocation is checked per batch), or null. */
  async deviceSigningKey(
    m: EntityManager,
    deviceId: string,
  ): Promise<{ userId: string; ed25519PublicKey: Buffer } | null> {
    const [row] = await m.query<{ user_id: string; ed25519_public_key: Buffer }[]>(
      'SELECT user_id, ed25519_public_key FROM devices WHERE id = $1',
      [deviceId],
    );
    return row ? { userId: row.user_id, ed25519PublicKey: row.ed25519_public_key } : null;
  }
}
