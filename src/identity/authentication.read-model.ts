import { Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { currentAgreementSql } from '../agencies/agencies.repository.js';
import { Agency } from '../agencies/entities/agency.entity.js';
import { hydrate, selectColumns } from '../common/hydrate.js';
import type { AttestationState } from './auth-context.js';
import { Session } from './entities/session.entity.js';
import { User } from './entities/user.entity.js';

/** Everything authentication needs to know about one bearer token. */
export interface AuthenticationRow {
  session: Session;
  user: User;
  agency: Agency;
  attestation: AttestationState;
}

/**
 * Session, user, agency, current agreement version and this user's attestation of it, for many bearer
 * tokens in ONE query. A read model, not a repository, because the join across identity's and agencies'
 * tables is the point: every HTTP request, socket handshake and group-committed send authenticates
 * through it, and reading the database each time (rather than caching) is what makes a disabled user or
 * a revoked session refused on the very next request on every instance. The current agreement comes from
 * the agencies repository's one definition of "current" (`currentAgreementSql`).
 */
@Injectable()
export class AuthenticationReadModel {
  private sql: string | undefined;

  /** Keyed by the token hash in hex; tokens with no session are absent. */
  async byTokenHashes(m: EntityManager, hashes: Buffer[]): Promise<Map<string, AuthenticationRow>> {
    const db = m.dataSource;
    const rows = await m.query<Record<string, unknown>[]>(this.query(db), [hashes]);
    const found = new Map<string, AuthenticationRow>();
    for (const row of rows) {
      const session = hydrate(db, Session, 's', row);
      found.set(session.tokenHash.toString('hex'), {
        session,
        user: hydrate(db, User, 'u', row),
        agency: hydrate(db, Agency, 'a', row),
        attestation: {
          current: row.cur_id ? { id: row.cur_id as string, label: row.cur_label as string } : null,
          attested: row.attested as boolean,
        },
      });
    }
    return found;
  }

  /** Built once: the column lists come from the entities' metadata. */
  private query(db: DataSource): string {
    this.sql ??= `
      SELECT ${selectColumns(db, Session, 's')}, ${selectColumns(db, User, 'u')},
             ${selectColumns(db, Agency, 'a')}, cur.id AS cur_id, cur.label AS cur_label,
             EXISTS (SELECT 1 FROM attestations t WHERE t.user_id = u.id AND t.agreement_version_id = cur.id) AS attested
        FROM sessions s
        JOIN users u ON u.id = s.user_id
        JOIN agencies a ON a.id = u.agency_id
        LEFT JOIN LATERAL (${currentAgreementSql('v.id, v.label')}) cur ON true
       WHERE s.token_hash = ANY ($1::bytea[])`;
    return this.sql;
  }
}
