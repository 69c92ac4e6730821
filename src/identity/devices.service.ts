import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { DeviceView, RegisterDeviceInput } from '../../contracts/identity.js';
import { AuditService } from '../audit/audit.service.js';
import { AppError, conflict, forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { onUniqueViolation } from '../common/db-errors.js';
import { DomainEvents } from '../common/domain-events.js';
import { actorOf, type AuthContext } from './auth-context.js';
import { deviceProofMessage, verifyEd25519 } from './device-proof.js';
import { DevicesRepository, toDeviceView } from './devices.repository.js';
import { ed25519KeyProblem, x25519KeyProblem } from './public-keys.js';
import { UsersRepository } from './users.repository.js';

/** Devices and their public keys. The server checks proof of possession; private keys never arrive here. */
@Injectable()
export class DevicesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly devices: DevicesRepository,
    private readonly users: UsersRepository,
  ) {}

  async register(auth: AuthContext, dto: RegisterDeviceInput): Promise<DeviceView> {
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
    // After the proof, so a forged request learns only that its proof is wrong. A small-order signing key
    // can pass a proof (anyone can "sign" for it), which is why this check is needed at all.
    const problems = Object.fromEntries(
      Object.entries({
        x25519PublicKey: await x25519KeyProblem(x),
        ed25519PublicKey: await ed25519KeyProblem(ed),
      }).flatMap(([field, problem]) => (problem ? [[field, [problem]]] : [])),
    );
    if (Object.keys(problems).length) {
      throw new AppError(400, 'invalid_public_key', 'This device’s public keys are not keys others can safely use.', {
        fields: problems,
      });
    }
    const exists = () => conflict('device_exists', 'A device with this signing key is already registered.');
    return this.db.transaction(async (m) => {
      if (await this.devices.signingKeyTaken(m, ed)) throw exists();
      // A concurrent registration of the same key passes the check above; the unique constraint decides.
      const device = await this.devices
        .insert(m, { userId: auth.user.id, label: dto.label, x25519PublicKey: x, ed25519PublicKey: ed })
        .catch(onUniqueViolation('devices_ed25519_public_key_key', exists));
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'device.registered',
        target: { type: 'device', id: device.id },
        meta: auth.meta,
      });
      await this.events.emit(m, { type: 'device.registered', deviceId: device.id, userId: auth.user.id });
      return toDeviceView(device);
    });
  }

  async get(deviceId: string): Promise<DeviceView> {
    const device = await this.devices.byId(this.db.manager, deviceId);
    if (!device) throw notFound('Device');
    return toDeviceView(device);
  }

  async listActive(userId: string): Promise<DeviceView[]> {
    const m = this.db.manager;
    if (!(await this.users.exists(m, userId))) throw notFound('User');
    return (await this.devices.listActive(m, userId)).map(toDeviceView);
  }

  /** A user revokes their own device; an agency admin (own agency) or the ISA team may revoke any. */
  async revoke(auth: AuthContext, deviceId: string, reason?: string): Promise<DeviceView> {
    return this.db.transaction(async (m) => {
      const device = await this.devices.lockById(m, deviceId);
      if (!device) throw notFound('Device');
      if (device.userId !== auth.user.id) {
        const owner = await this.users.byId(m, device.userId);
        const allowed =
          auth.user.role === 'isa_admin' ||
          (auth.user.role === 'agency_admin' && owner?.agencyId === auth.user.agencyId);
        if (!allowed) throw forbidden('not_your_device', 'You can only revoke your own devices.');
      }
      if (device.revokedAt) throw conflict('already_revoked', 'This device is already revoked.');
      const revokedAt = this.clock.now();
      await this.devices.revoke(m, device.id, revokedAt, reason ?? 'revoked');
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'device.revoked',
        target: { type: 'device', id: device.id },
        meta: auth.meta,
      });
      await this.events.emit(m, { type: 'device.revoked', deviceId: device.id, userId: device.userId });
      return toDeviceView({ ...device, revokedAt });
    });
  }
}
