import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** What readiness asks of the database: does it answer, and is every migration applied. */
@Injectable()
export class HealthRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Resolves when the database answers a trivial query; rejects when it cannot be reached. */
  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  migrationsPending(): Promise<boolean> {
    return this.db.showMigrations();
  }
}
