import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type {
  ApproveDeviceInput,
  DeviceView,
  IdentityView,
  PublishIdentityInput,
  RegisterDeviceInput,
} from '../../contracts/identity.js';
import { AuditService } from '../audit/audit.service.js';
import { AppError, conflict, forbidden, notFound } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { onUniqueViolation } from '../common/db-errors.js';
import { DomainEvents } from '../common/domain-events.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { actorOf, type AuthContext } from './auth-context.js';
import { deviceProofMessage, deviceSignatureBytes, verifyEd25519 } from './device-proof.js';
import { DevicesRepository, toDeviceView } from './devices.repository.js';
import type { Device } from './entities/device.entity.js';
import { ed25519KeyProblem, x25519KeyProblem } from './public-keys.js';
import { agencyAdminManages } from './role-rules.js';
import { UsersRepository } from './users.repository.js';

const b64 = (b: Buffer) => b.toString('base64url');

/**
 * Devices, their public keys and their approval (protocol v2, docs/protocol.md). The server checks proof
 * of possession, asks for a fresh step-up before a device is added, and checks the owner's identity
 * signature before it counts a device as approved; private keys never arrive here.
 */
@Injectable()
export class DevicesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly audit: AuditService,
    private readonly events: DomainEvents,
    private readonly devices: DevicesRepository,
    private readonly users: UsersRepository,
  ) {}

  /** A stolen session token alone must not add a device or an identity: the password must be fresh. */
  private assertSteppedUp(auth: AuthContext, what: string): void {
    const at = auth.session.steppedUpAt;
    if (!at || this.clock.now().getTime() - at.getTime() > this.config.STEP_UP_MINUTES * 60_000) {
      throw forbidden(
        'step_up_required',
        `Enter your password again (and your authenticator code, if you use one) to ${what}.`,
        { stepUpPath: '/api/auth/step-up', minutes: this.config.STEP_UP_MINUTES },
      );
    }
  }

  /**
   * Registers a device's public keys. It waits for approval (`approve`, or `publishIdentity` for a
   * person's first device): until then it gets no channel keys.
   */
  async register(auth: AuthContext, dto: RegisterDeviceInput): Promise<DeviceView> {
    this.assertSteppedUp(auth, 'add a device');
    const x = Buffer.from(dto.x25519PublicKey, 'base64url');
    const ed = Buffer.from(dto.ed25519PublicKey, 'base64url');
    // Keys first: whether a public key is usable is no secret, and a small-order signing key can pass a
    // proof (anyone can "sign" for it) on some OpenSSL versions and not on others (Node 24 refuses it),
    // so checking the key first gives every Node the same answer.
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
      return toDeviceView(device, auth.user.identityPublicKey, true);
    });
  }

  /** Whether `signature` is the owner's identity signature over exactly this device. */
  private identitySignatureValid(device: Device, identity: Buffer, signature: Buffer): boolean {
    const signed = deviceSignatureBytes({
      userId: device.userId,
      deviceId: device.id,
      x25519PublicKey: b64(device.x25519PublicKey),
      ed25519PublicKey: b64(device.ed25519PublicKey),
    });
    return verifyEd25519(identity, signed, signature);
  }

  /** The caller's own active device, locked, or a refusal. */
  private async ownActiveDevice(m: Parameters<DevicesRepository['lockById']>[0], auth: AuthContext, id: string) {
    const device = await this.devices.lockById(m, id);
    if (!device) throw notFound('Device');
    if (device.userId !== auth.user.id) throw forbidden('not_your_device', 'You can only approve your own devices.');
    if (device.revokedAt) throw conflict('already_revoked', 'This device is revoked.');
    return device;
  }

  /**
   * A person's first identity key, published from their first device, which it signs (and so approves).
   * Needs a fresh step-up like adding a device; there is one identity key per person, so a second is
   * refused (`identity_exists`): a new device of someone who has one is approved by it.
   */
  async publishIdentity(auth: AuthContext, dto: PublishIdentityInput): Promise<IdentityView> {
    this.assertSteppedUp(auth, 'set up your identity key');
    const identity = Buffer.from(dto.identityPublicKey, 'base64url');
    const problem = await ed25519KeyProblem(identity);
    if (problem) {
      throw new AppError(400, 'invalid_public_key', 'This identity key is not a key others can safely use.', {
        fields: { identityPublicKey: [problem] },
      });
    }
    return this.db.transaction(async (m) => {
      const user = (await this.users.lockById(m, auth.user.id))!;
      if (user.identityPublicKey) {
        throw conflict('identity_exists', 'You already have an identity key: approve new devices with it.');
      }
      const device = await this.ownActiveDevice(m, auth, dto.deviceId);
      const signature = Buffer.from(dto.deviceSignature, 'base64url');
      if (!this.identitySignatureValid(device, identity, signature)) {
        throw new AppError(400, 'invalid_signature', 'The identity key’s signature over this device does not verify.');
      }
      const now = this.clock.now();
      await this.users
        .update(m, user.id, { identityPublicKey: identity, identityPublishedAt: now })
        .catch(
          onUniqueViolation('users_identity_public_key_key', () =>
            conflict('identity_exists', 'That identity key belongs to someone else: make a new one for yourself.'),
          ),
        );
      await this.devices.approve(m, device.id, {
        identitySignature: signature,
        approvedAt: now,
        approvedByDeviceId: null,
        sealedIdentitySeed: null,
      });
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'identity.published',
        target: { type: 'user', id: user.id },
        details: { deviceId: device.id },
        meta: auth.meta,
      });
      await this.events.emit(m, { type: 'device.approved', deviceId: device.id, userId: user.id });
      return { userId: user.id, identityPublicKey: dto.identityPublicKey, publishedAt: now.toISOString() };
    });
  }

  /**
   * Approves one of the caller's waiting devices with their identity key's signature: from another of
   * their devices (which also sends the identity seed sealed to it), or by the device itself with the
   * recovery key. The server checks the signature against the published identity key.
   */
  async approve(auth: AuthContext, deviceId: string, dto: ApproveDeviceInput): Promise<DeviceView> {
    return this.db.transaction(async (m) => {
      const user = (await this.users.byId(m, auth.user.id))!;
      if (!user.identityPublicKey) {
        throw conflict('identity_missing', 'Set up your identity key first (strongroom device init).');
      }
      const device = await this.ownActiveDevice(m, auth, deviceId);
      if (device.approvedAt) throw conflict('already_approved', 'This device is already approved.');
      const signature = Buffer.from(dto.identitySignature, 'base64url');
      if (!this.identitySignatureValid(device, user.identityPublicKey, signature)) {
        throw new AppError(400, 'invalid_signature', 'Your identity key’s signature over this device does not verify.');
      }
      // Which device approved it: another of the caller's, approved itself; absent with the recovery key.
      if (dto.byDeviceId) {
        const by = await this.devices.byId(m, dto.byDeviceId);
        if (!by || by.userId !== auth.user.id || by.revokedAt || !by.approvedAt || by.id === device.id) {
          throw forbidden('not_your_device', 'Approve from another of your own approved devices.');
        }
      }
      const approval = {
        identitySignature: signature,
        approvedAt: this.clock.now(),
        approvedByDeviceId: dto.byDeviceId ?? null,
        sealedIdentitySeed: dto.sealedIdentitySeed ? Buffer.from(dto.sealedIdentitySeed, 'base64url') : null,
      };
      await this.devices.approve(m, device.id, approval);
      await this.audit.record(m, {
        actor: actorOf(auth),
        action: 'device.approved',
        target: { type: 'device', id: device.id },
        details: dto.byDeviceId ? { by: 'another_device', byDeviceId: dto.byDeviceId } : { by: 'recovery_key' },
        meta: auth.meta,
      });
      await this.events.emit(m, { type: 'device.approved', deviceId: device.id, userId: user.id });
      return toDeviceView({ ...device, ...approval }, user.identityPublicKey, true);
    });
  }

  async identity(userId: string): Promise<IdentityView> {
    const user = await this.users.byId(this.db.manager, userId);
    if (!user) throw notFound('User');
    return {
      userId,
      identityPublicKey: user.identityPublicKey ? b64(user.identityPublicKey) : null,
      publishedAt: user.identityPublishedAt?.toISOString() ?? null,
    };
  }

  async get(auth: AuthContext, deviceId: string): Promise<DeviceView> {
    const m = this.db.manager;
    const device = await this.devices.byId(m, deviceId);
    if (!device) throw notFound('Device');
    const owner = await this.users.byId(m, device.userId);
    return toDeviceView(device, owner?.identityPublicKey ?? null, device.userId === auth.user.id);
  }

  async listActive(auth: AuthContext, userId: string): Promise<DeviceView[]> {
    const m = this.db.manager;
    const owner = await this.users.byId(m, userId);
    if (!owner) throw notFound('User');
    return (await this.devices.listActive(m, userId)).map((d) =>
      toDeviceView(d, owner.identityPublicKey, userId === auth.user.id),
    );
  }

  /** A user revokes their own device; an agency admin (own agency) or the ISA team may revoke any. */
  async revoke(auth: AuthContext, deviceId: string, reason?: string): Promise<DeviceView> {
    return this.db.transaction(async (m) => {
      const device = await this.devices.lockById(m, deviceId);
      if (!device) throw notFound('Device');
      const owner = await this.users.byId(m, device.userId);
      if (device.userId !== auth.user.id) {
        const allowed =
          auth.user.role === 'isa_admin' ||
          (auth.user.role === 'agency_admin' && owner?.agencyId === auth.user.agencyId);
        if (!allowed) throw forbidden('not_your_device', 'You can only revoke your own devices.');
        // As for disabling the account: an ISA admin's or auditor's devices are the ISA team's to revoke.
        if (auth.user.role === 'agency_admin' && owner && !agencyAdminManages(owner.role)) {
          throw forbidden(
            'role_not_manageable',
            `An agency admin cannot revoke the devices of a ${owner.role} account.`,
            {
              role: owner.role,
            },
          );
        }
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
      return toDeviceView({ ...device, revokedAt }, owner?.identityPublicKey ?? null, device.userId === auth.user.id);
    });
  }

  /**
   * Checks a record signed by the signed-in person's device (minutes, a plan version): `deviceId` must be
   * one of their own devices that is not revoked (403 `not_your_device`), and `signature` must verify over
   * `signed` with its key (400 `invalid_signature`, naming `what` was signed).
   */
  async assertSignedByOwnDevice(
    m: EntityManager,
    auth: AuthContext,
    deviceId: string,
    signed: Buffer,
    signature: string,
    what: string,
  ): Promise<void> {
    const publicKey = await this.devices.activeSigningKey(m, deviceId, auth.user.id);
    if (!publicKey) throw forbidden('not_your_device', 'Sign with one of your own active devices.');
    if (!verifyEd25519(publicKey, signed, Buffer.from(signature, 'base64url'))) {
      throw new AppError(400, 'invalid_signature', `The signature does not verify for ${what} and this device.`);
    }
  }
}
