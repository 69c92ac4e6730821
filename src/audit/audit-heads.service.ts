import { createPrivateKey, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  AUDIT_HEAD_FORMAT,
  auditHeadSigningText,
  type AuditHeadView,
  type AuditSigningKeyView,
} from '../../contracts/audit-heads.js';
import { conflict } from '../common/app-error.js';
import { Clock } from '../common/clock.js';
import { JobRegistry } from '../common/jobs.js';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { AuditHeadsRepository } from './audit-heads.repository.js';
import { AuditRepository } from './audit.repository.js';

/** PKCS#8 DER prefix of an Ed25519 private key, before its 32-byte seed. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
/** In development, the key made once when none is configured, under DATA_DIR. */
const DEV_KEY_FILE = 'audit-signing.key';

interface SigningKey {
  privateKey: KeyObject;
  /** Raw 32-byte public key, base64url. */
  publicKey: string;
}

/** The signing key from its 32-byte seed. */
export function signingKeyFromSeed(seed: Buffer): SigningKey {
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { privateKey, publicKey: spki.subarray(spki.length - 32).toString('base64url') };
}

/**
 * Signs the audit log's head (ISA 8.3, 12): the chain's last sequence number and hash, with the server's
 * Ed25519 key, every AUDIT_HEAD_EVERY_EVENTS events or AUDIT_HEAD_EVERY_MINUTES minutes (the `audit-heads`
 * job), or at once when an ISA administrator or auditor asks. A partner who saved a head can later prove,
 * offline, that the log they are given still leads to it: nothing before it was altered or removed.
 *
 * Safe on several instances: signing takes the chain's own lock (AuditRepository.lockHead), so two
 * instances never sign twice for one head, and no event is appended while the head is read.
 */
@Injectable()
export class AuditHeadsService implements OnModuleInit {
  private readonly logger = new Logger(AuditHeadsService.name);
  private readonly key: SigningKey | null;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly events: AuditRepository,
    private readonly heads: AuditHeadsRepository,
    private readonly jobs: JobRegistry,
  ) {
    this.key = loadSigningKey(config);
  }

  onModuleInit(): void {
    this.jobs.register('audit-heads', () => this.signIfDue());
  }

  /** Whether heads are signed here; false in production without AUDIT_SIGNING_KEY. */
  get signing(): boolean {
    return this.key !== null;
  }

  signingKey(): AuditSigningKeyView {
    return {
      publicKey: this.key?.publicKey ?? null,
      algorithm: 'ed25519',
      everyEvents: this.config.AUDIT_HEAD_EVERY_EVENTS,
      everyMinutes: this.config.AUDIT_HEAD_EVERY_MINUTES,
    };
  }

  /** Heads, newest first. */
  async list(opts: { beforeSeq?: number; limit: number }): Promise<AuditHeadView[]> {
    return this.heads.list(this.db.manager, opts);
  }

  /**
   * Signs the current head now, unless it is signed already (then that head is returned, `created`
   * false). Refused when this server has no key; an empty log has no head to sign.
   */
  async signNow(): Promise<{ head: AuditHeadView | null; created: boolean }> {
    const key = this.requireKey();
    return this.db.transaction(async (m) => {
      const head = await this.events.lockHead(m);
      if (!head) return { head: null, created: false };
      const last = await this.heads.latest(m);
      if (last && last.seq >= head.seq) return { head: last, created: false };
      return { head: await this.insert(m, key, head), created: true };
    });
  }

  /** The job: a new head once enough events, or enough time with at least one event, since the last. */
  async signIfDue(): Promise<AuditHeadView | null> {
    if (!this.key) return null;
    const key = this.key;
    return this.db.transaction(async (m) => {
      const head = await this.events.lockHead(m);
      if (!head) return null;
      const last = await this.heads.latest(m);
      const added = head.seq - (last?.seq ?? 0);
      if (added <= 0) return null;
      const minutes = last ? (this.clock.now().getTime() - new Date(last.signedAt).getTime()) / 60_000 : Infinity;
      if (added < this.config.AUDIT_HEAD_EVERY_EVENTS && minutes < this.config.AUDIT_HEAD_EVERY_MINUTES) return null;
      return this.insert(m, key, head);
    });
  }

  private async insert(m: EntityManager, key: SigningKey, head: { seq: number; hash: string }): Promise<AuditHeadView> {
    const signedAt = this.clock.now().toISOString();
    const text = auditHeadSigningText({ seq: head.seq, hash: head.hash, signedAt });
    const signature = sign(null, Buffer.from(text, 'utf8'), key.privateKey).toString('base64url');
    const view: AuditHeadView = {
      format: AUDIT_HEAD_FORMAT,
      seq: head.seq,
      hash: head.hash,
      signedAt,
      publicKey: key.publicKey,
      signature,
    };
    await this.heads.insert(m, view);
    this.logger.debug({ seq: head.seq }, 'Audit head signed');
    return view;
  }

  private requireKey(): SigningKey {
    if (!this.key) {
      throw conflict(
        'audit_heads_off',
        'This server does not sign its audit log, so there is no signed point to save. Its operator turns ' +
          'this on with the AUDIT_SIGNING_KEY setting (docs/operations.md, "Audit log").',
      );
    }
    return this.key;
  }
}

/**
 * AUDIT_SIGNING_KEY when set. Without it: in development, a key made once and kept (0600) in DATA_DIR,
 * so the demo signs heads and keeps the same key across restarts; elsewhere, none.
 */
function loadSigningKey(config: AppConfig): SigningKey | null {
  if (config.AUDIT_SIGNING_KEY) return signingKeyFromSeed(Buffer.from(config.AUDIT_SIGNING_KEY, 'base64'));
  if (config.NODE_ENV !== 'development') return null;
  const file = path.resolve(config.DATA_DIR, DEV_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another instance on this folder made it first: use that one.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return signingKeyFromSeed(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
}
