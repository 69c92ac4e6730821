import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { AppError, conflict, forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { onUniqueViolation } from '../common/db-errors.js';
import { DomainEvents } from '../common/domain-events.js';
import { actorOf, type AuthContext } from './auth-context.js';
import { deviceProofMessage, verifyEd25519 } from './device-proof.js';
import type { RegisterDeviceDto } from './dto/identity.dto.js';
import { Device } from './entities/device.entity.js';
import { User } from './entities/user.entity.js';

export const deviceView = (d: Device) => ({
  id: d.id,
  userId: d.userId,
  label: d.label,
  x25519PublicKey: d.x25519PublicKey.toString('base64url'),
  ed25519PublicKey: d.ed25519PublicKey.toString('base64url'),
  createdAt: d.createdAt,
  revokedAt: d.revokedAt,
});

/** Devices and their public keys. The server checks proof of possession; private keys never arrive here. */
@Injectable()
export class DevicesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
  ) {}

  async register(auth: AuthContext, dto: RegisterDeviceDto) {
    const x = Buffer.from(dto.x25519PublicKey, 'base64url');
    const ed = Buffer.from(dto.ed25519PublicKey, 'base64url');
    const proof = deviceProofMessage(auth.user.id, dto.x25519PublicKey, dto.ed25519PublicKey);
    if (!verifyEd25519(ed, proof, Buffer.from(dto.signature, 'base64url'))) {
      throw new AppError(
        400,
        'invalid_signature',
        'The proof-of-possession signature does not verify with this signing key.',
      );
    }
    const exists = () => conflict('device_exists', 'A device with this signing key is already registered.');
    return this.db.transaction(async (m) => {
      if (await m.getRepository(Device).existsBy({ ed25519PublicKey: ed })) throw exists();
      // A concurrent registration of the same key passes the check above; the unique constraint decides.
      const device = await m
        .getRepository(Device)
        .save(m.create(Device, { userId: auth.user.id, label: dto.label, x25519PublicKey: x, ed25519PublicKey: ed }))
        .catch(onUniqueViolation('devices_ed25519_public_key_key', exists));
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'device.registered',
        target: { type: 'device', id: device.id },
        meta: auth.meta,
      });
      await this.events.emit(m, { type: 'device.registered', deviceId: device.id, userId: auth.user.id });
      return deviceView(device);
    });
  }

  async get(deviceId: string) {
    const device = await this.db.getRepository(Device).findOneBy({ id: deviceId });
    if (!device) throw notFound('Device');
    return deviceView(device);
  }

  async listActive(userId: string) {
    if (!(await this.db.getRepository(User).existsBy({ id: userId }))) throw notFound('User');
    const devices = await this.db.getRepository(Device).find({
      where: { userId, revokedAt: IsNull() },
      order: { createdAt: 'ASC' },
    });
    return devices.map(deviceView);
  }

  /** A user revokes their own device; an agency admin (own agency) or the ISA team may revoke any. */
  async revoke(auth: AuthContext, deviceId: string, reason?: string) {
    return this.db.transaction(async (m) => {
      const device = await m
        .getRepository(Device)
        .findOne({ where: { id: deviceId }, lock: { mode: 'pessimistic_write' } });
      if (!device) throw notFound('Device');
      if (device.userId !== auth.user.id) {
        const owner = await m.getRepository(User).findOneByOrFail({ id: device.userId });
        const allowed =
          auth.user.role === 'isa_admin' ||
          (auth.user.role === 'agency_admin' && owner.agencyId === auth.user.agencyId);
        if (!allowed) throw forbidden('not_your_device', 'You can only revoke your own devices.');
      }
      if (device.revokedAt) throw conflict('already_revoked', 'This device is already revoked.');
      const revokedAt = this.clock.now();
      await m.getRepository(Device).update({ id: device.id }, { revokedAt, revokedReason: reason ?? 'revoked' });
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'device.revoked',
        target: { type: 'device', id: device.id },
        meta: auth.meta,
      });
      await this.events.emit(m, { type: 'device.revoked', deviceId: device.id, userId: device.userId });
      return deviceView({ ...device, revokedAt });
    });
  }
}
