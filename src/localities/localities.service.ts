import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AddLocalityInput, LocalityView } from '../../contracts/localities.js';
import { AuditService } from '../audit/audit.service.js';
import { badRequest, conflict } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { onUniqueViolation } from '../common/db-errors.js';
import { actorOf, type AuthContext } from '../identity/auth-context.js';
import { LocalitiesRepository } from './localities.repository.js';

/**
 * The ISA team's list of localities (ISA 2.2): the areas of the partnership a family can be placed in, so
 * the programme is evaluated by locality. A short list of names, never free text about a family.
 */
@Injectable()
export class LocalitiesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly repo: LocalitiesRepository,
    private readonly audit: AuditService,
  ) {}

  list(m: EntityManager = this.db.manager): Promise<LocalityView[]> {
    return this.repo.list(m);
  }

  /**
   * Adds a locality to the list; a name already on it (in any case) is refused. Audited by id (`auth` null:
   * the server itself, seeding the demo).
   */
  async add(auth: AuthContext | null, dto: AddLocalityInput): Promise<LocalityView> {
    const duplicate = () => conflict('locality_exists', `There is already a locality called "${dto.name}".`);
    return this.db.transaction(async (m) => {
      if (await this.repo.nameTaken(m, dto.name)) throw duplicate();
      // Two people adding the same name at once both pass the check above; the unique index decides.
      const created = await this.repo
        .insert(m, dto.name, this.clock.now())
        .catch(onUniqueViolation('localities_name_key', duplicate));
      await this.audit.record(m, {
        actor: auth ? actorOf(auth) : null,
        action: 'locality.added',
        target: { type: 'locality', id: created.id },
        meta: auth?.meta,
      });
      return created;
    });
  }

  /** Every locality's name by id (the list is short): how a family's locality is shown. */
  async names(m: EntityManager = this.db.manager): Promise<Map<string, string>> {
    return new Map((await this.repo.list(m)).map((l) => [l.id, l.name]));
  }

  /** A locality a family is being placed in: one on the list, or a 400 saying so. */
  async chosen(m: EntityManager, id: string): Promise<LocalityView> {
    const found = await this.repo.find(m, id);
    if (!found) {
      throw badRequest('validation_failed', 'That locality is not on the list of localities.', {
        fields: { localityId: ['is not on the list of localities'] },
      });
    }
    return found;
  }
}
