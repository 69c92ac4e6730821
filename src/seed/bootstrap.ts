import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import {
  publishAgreementSchema,
  registerAgencySchema,
  signAgencySchema,
  type AgencyView,
  type AgreementVersion as AgreementVersionView,
} from '../../contracts/agencies.js';
import { createUserSchema, type CreatedUser } from '../../contracts/identity.js';
import { AgenciesService } from '../agencies/agencies.service.js';
import { AuditService } from '../audit/audit.service.js';
import { UsersService } from '../identity/users.service.js';
import { bootstrapLock } from './bootstrap.read-model.js';

/** What a new partnership starts from: its agreement, the hub agency and the first ISA administrator. */
export const bootstrapSchema = z.strictObject({
  agreement: publishAgreementSchema,
  /** The MASH hub ("Compass"), usually the council: the first administrator belongs to it. */
  agency: registerAgencySchema.omit({ mashHub: true }),
  /** The hub agency's signature, when it has signed already; else it signs later (`agencies sign`). */
  signature: signAgencySchema.omit({ agreementVersionId: true }).optional(),
  admin: createUserSchema.pick({ email: true, displayName: true }),
});
export type BootstrapInput = z.input<typeof bootstrapSchema>;

export interface Bootstrapped {
  agreement: AgreementVersionView;
  agency: AgencyView;
  admin: CreatedUser;
}

/** Why a bootstrap was refused; nothing was written. */
export class BootstrapRefused extends Error {}

/**
 * Starts a partnership on an empty database, through the services the API uses (each step audited as
 * the API audits it, then the bootstrap itself): the agreement version, the hub agency (signed, if a
 * signature is given) and the first `isa_admin`, whose one-time invitation comes back to be shown once.
 * Refused once the database has any agency or account, so it cannot mint a second administrator. The
 * input is checked whole before anything is written.
 */
export async function bootstrapPartnership(app: INestApplication, input: BootstrapInput): Promise<Bootstrapped> {
  const parsed = bootstrapSchema.safeParse(input);
  if (!parsed.success) {
    throw new BootstrapRefused(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('\n'),
    );
  }
  const dto = parsed.data;
  // What the services would refuse half-way through is refused here, before the first write.
  const today = new Date().toISOString().slice(0, 10);
  if (dto.agreement.publishedOn > today) {
    throw new BootstrapRefused('The agreement’s publication date is in the future: give the date it was published.');
  }
  if (dto.signature && dto.signature.signedOn > today) {
    throw new BootstrapRefused('The signature’s date is in the future: give the date it was signed.');
  }
  if (dto.signature && dto.signature.signedOn < dto.agreement.publishedOn) {
    throw new BootstrapRefused('The agency cannot have signed before the agreement was published.');
  }
  const db = app.get<DataSource>(getDataSourceToken());
  const lock = db.createQueryRunner();
  await lock.connect();
  try {
    await bootstrapLock.take(lock);
    if (!(await bootstrapLock.isEmpty(lock))) {
      throw new BootstrapRefused(
        'This database is already set up: it has agencies or accounts. Bootstrap runs once, on an empty database; ' +
          'from now on an ISA administrator adds agencies and people (strongroom agencies register, strongroom users create).',
      );
    }
    const agenciesService = app.get(AgenciesService);
    const agreement = await agenciesService.publishAgreement(null, dto.agreement);
    let agency = await agenciesService.register(null, { ...dto.agency, mashHub: true });
    if (dto.signature) agency = await agenciesService.sign(null, agency.id, dto.signature);
    const admin = await app.get(UsersService).create(null, { ...dto.admin, agencyId: agency.id, role: 'isa_admin' });
    await db.transaction((m) =>
      app.get(AuditService).record(m, {
        actor: null,
        action: 'system.bootstrapped',
        target: { type: 'user', id: admin.user.id },
        details: { agreementVersionId: agreement.id, agencyId: agency.id, signed: Boolean(dto.signature) },
      }),
    );
    return { agreement, agency, admin };
  } finally {
    await bootstrapLock.release(lock).catch(() => undefined);
    await lock.release();
  }
}
