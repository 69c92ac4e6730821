import { Injectable } from '@nestjs/common';
import { IsNull, type EntityManager } from 'typeorm';
import type { DeviceView } from '../../contracts/identity.js';
import { Device } from './entities/device.entity.js';

export const toDeviceView = (d: Device): DeviceView => ({
  id: d.id,
  userId: d.userId,
  label: d.label,
  x25519PublicKey: d.x25519PublicKey.toString('base64url'),
  ed25519PublicKey: d.ed25519PublicKey.toString('base64url'),
  createdAt: d.createdAt.toISOString(),
  revokedAt: d.revokedAt?.toISOString() ?? null,
});

/** devices: each device's public keys. */
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
}
