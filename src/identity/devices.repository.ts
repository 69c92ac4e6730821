import { Injectable } from '@nestjs/common';
import { IsNull, type EntityManager } from 'typeorm';
import type { DeviceView } from '../../contracts/identity.js';
import { Device } from './entities/device.entity.js';

/**
 * A device as its owner or a colleague sees it. `owner` carries the owner's identity key; the identity
 * seed sealed to the device is shown only to its owner (it is sealed, but nobody else needs it).
 */
export const toDeviceView = (d: Device, ownerIdentity: Buffer | null, forOwner: boolean): DeviceView => ({
  id: d.id,
  userId: d.userId,
  label: d.label,
  x25519PublicKey: d.x25519PublicKey.toString('base64url'),
  ed25519PublicKey: d.ed25519PublicKey.toString('base64url'),
  createdAt: d.createdAt.toISOString(),
  revokedAt: d.revokedAt?.toISOString() ?? null,
  identityPublicKey: ownerIdentity?.toString('base64url') ?? null,
  identitySignature: d.identitySignature?.toString('base64url') ?? null,
  approvedAt: d.approvedAt?.toISOString() ?? null,
  approvedByDeviceId: d.approvedByDeviceId,
  sealedIdentitySeed: forOwner ? (d.sealedIdentitySeed?.toString('base64url') ?? null) : null,
});

/** devices: each device's public keys, and its owner's identity signature once approved. */
@Injectable()
export class DevicesRepository {
  signingKeyTaken(m: EntityManager, ed25519PublicKey: Buffer): Promise<boolean> {
    return m.getRepository(Device).existsBy({ ed25519PublicKey });
  }

  /** Fails on `devices_ed25519_public_key_key` when a concurrent registration took the key. */
  insert(
    m: EntityManager,
    fields: Pick<Device, 'userId' | 'label' | 'x25519PublicKey' | 'ed25519PublicKey'>,
  ): Promise<Device> {
    return m.getRepository(Device).save(m.create(Device, fields));
  }

  /** The Ed25519 public key of `userId`'s device `deviceId`, if it exists and is not revoked. */
  async activeSigningKey(m: EntityManager, deviceId: string, userId: string): Promise<Buffer | null> {
    const device = await m
      .getRepository(Device)
      .findOne({ where: { id: deviceId, userId, revokedAt: IsNull() }, select: { id: true, ed25519PublicKey: true } });
    return device?.ed25519PublicKey ?? null;
  }

  byId(m: EntityManager, id: string): Promise<Device | null> {
    return m.getRepository(Device).findOneBy({ id });
  }

  lockById(m: EntityManager, id: string): Promise<Device | null> {
    return m.getRepository(Device).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** A user's devices that are not revoked, oldest first. */
  listActive(m: EntityManager, userId: string): Promise<Device[]> {
    return m.getRepository(Device).find({ where: { userId, revokedAt: IsNull() }, order: { createdAt: 'ASC' } });
  }

  async revoke(m: EntityManager, id: string, revokedAt: Date, reason: string): Promise<void> {
    await m.getRepository(Device).update({ id }, { revokedAt, revokedReason: reason });
  }

  async approve(
    m: EntityManager,
    id: string,
    approval: Pick<Device, 'identitySignature' | 'approvedAt' | 'approvedByDeviceId' | 'sealedIdentitySeed'>,
  ): Promise<void> {
    await m.getRepository(Device).update({ id }, approval);
  }
}
