import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AUDIT_HEAD_FORMAT, type AuditHeadView } from '../../contracts/audit-heads.js';

interface HeadRow {
  seq: string;
  hash: string;
  signed_at: Date;
  public_key: string;
  signature: string;
}

const toView = (r: HeadRow): AuditHeadView => ({
  format: AUDIT_HEAD_FORMAT,
  seq: Number(r.seq),
  hash: r.hash,
  signedAt: r.signed_at.toISOString(),
  publicKey: r.public_key,
  signature: r.signature,
});

/** The audit_heads table: signed ends of the audit chain, append-only (the database refuses changes). */
@Injectable()
export class AuditHeadsRepository {
  /** Heads newest first, optionally only those before a sequence number. */
  async list(m: EntityManager, opts: { beforeSeq?: number; limit: number }): Promise<AuditHeadView[]> {
    const rows = await m.query<HeadRow[]>(
      `SELECT seq, hash, signed_at, public_key, signature FROM audit_heads
        WHERE ($1::bigint IS NULL OR seq < $1) ORDER BY seq DESC LIMIT $2`,
      [opts.beforeSeq ?? null, opts.limit],
    );
    return rows.map(toView);
  }

  async latest(m: EntityManager): Promise<AuditHeadView | null> {
    return (await this.list(m, { limit: 1 }))[0] ?? null;
  }

  async insert(m: EntityManager, head: AuditHeadView): Promise<void> {
    await m.query('INSERT INTO audit_heads (seq, hash, signed_at, public_key, signature) VALUES ($1, $2, $3, $4, $5)', [
      head.seq,
      head.hash,
      head.signedAt,
      head.publicKey,
      head.signature,
    ]);
  }
}
