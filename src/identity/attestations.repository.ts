import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AttestationView } from '../../contracts/identity.js';
import { Attestation } from './entities/attestation.entity.js';

export const toAttestationView = (a: Attestation): AttestationView => ({
  id: a.id,
  userId: a.userId,
  agreementVersionId: a.agreementVersionId,
  adviceVersion: a.adviceVersion,
  attestedAt: a.attestedAt.toISOString(),
});

/** attestations: a user's confirmation of having read an agreement version and the sharing advice. */
@Injectable()
export class AttestationsRepository {
  exists(m: EntityManager, userId: string, agreementVersionId: string): Promise<boolean> {
    return m.getRepository(Attestation).existsBy({ userId, agreementVersionId });
  }

  /**
   * Stores the attestation unless one exists; true if this call stored it. Idempotent even when the same
   * person attests twice at once (a double click): ON CONFLICT waits for the other transaction and then
   * does nothing, so only the first attestation is stored.
   */
  async insertOnce(m: EntityManager, a: Omit<Attestation, 'id'>): Promise<boolean> {
    const inserted = await m.query<{ id: string }[]>(
      `INSERT INTO attestations (user_id, agreement_version_id, advice_version, attested_at)
       VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, agreement_version_id) DO NOTHING RETURNING id`,
      [a.userId, a.agreementVersionId, a.adviceVersion, a.attestedAt],
    );
    return inserted.length > 0;
  }

  get(m: EntityManager, userId: string, agreementVersionId: string): Promise<Attestation> {
    return m.getRepository(Attestation).findOneByOrFail({ userId, agreementVersionId });
  }
}
