import { z } from 'zod';
import { DEFAULT_CONCERN_CATEGORIES } from '../../contracts/referrals.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const roleList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((r) => r.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(['isa_admin', 'agency_admin', 'practitioner', 'mash_worker', 'auditor'])));

/**
 * Every setting the server reads, validated once at start-up. A bad value stops the process with a
 * message naming the variable, rather than failing later in some request.
 */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  /** The built web client (`npm run build:web`), served at `/`; the landing page says how to build it if absent. */
  WEB_DIR: z.string().min(1).default('./dist/web'),
  /** The installable command-line package (`npm run build:cli`), offered at `/downloads/strongroom-cli.tgz`. */
  CLI_PACKAGE_DIR: z.string().min(1).default('./dist/cli'),
  /**
   * The embedded PostgreSQL's port (only when DATABASE_URL is unset). Unset: 54329, or the next free port
   * when that one is taken; set: that port or a clear refusal (src/database/embedded-postgres.ts).
   */
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 7)
    .default(12),
  /** How long after entering the password (at sign-in or a step-up) a session may add a device. */
  STEP_UP_MINUTES: z.coerce.number().int().min(1).max(60).default(10),
  MFA_REQUIRED_ROLES: roleList.default(['isa_admin', 'agency_admin', 'auditor']),
  CORS_ORIGINS: z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .default([]),
  SEED_DEMO: bool.default(true),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  /**
   * Sign-in throttling (docs/operations.md, "Sign-in throttling"). Failures allowed at one e-mail address
   * before every source waits, and the longest wait: someone at a source that has not failed there waits
   * at most this long, however long an attack goes on.
   */
  LOGIN_ACCOUNT_FREE_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_ACCOUNT_MAX_DELAY_MINUTES: z.coerce.number().int().min(1).max(60).default(15),
  /**
   * Failures allowed from one source (an IPv4 address or IPv6 /64) across all addresses before it waits,
   * and its longest wait. Raise the first for a busy office behind one address.
   */
  LOGIN_SOURCE_FREE_FAILURES: z.coerce.number().int().min(1).default(20),
  LOGIN_SOURCE_MAX_DELAY_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(24 * 60),
  JOB_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
  INVITATION_TTL_HOURS: z.coerce.number().int().min(1).default(72),
  /**
   * E-mail (docs/operations.md, "E-mail"): invitations and password resets are sent through this SMTP server
   * (`smtp://user:pass@host:587`, or `smtps://` for TLS from the start). Without it, development writes each
   * message to DATA_DIR/outbox and logs where; production says at start that e-mail is off.
   */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/\s]+/, 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.org:587')
    .optional(),
  MAIL_FROM: z.string().min(3).max(200).default('Strongroom <strongroom@localhost>'),
  /**
   * The address people reach the web client at (`https://strongroom.example.org`), for links in e-mails.
   * Unset, an invitation's link uses the address the administrator reached the server at, and a password
   * reset's the server's own HOST and PORT (never the address a reset request names: anyone can send one).
   */
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, message: 'must be an http:// or https:// address' })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
  /** How long a password reset link works, and how many reset e-mails one account gets an hour at most. */
  PASSWORD_RESET_TTL_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(30),
  PASSWORD_RESETS_PER_HOUR: z.coerce.number().int().min(1).max(100).default(3),
  /**
   * How many proxies in front of the server to believe about the caller's address (X-Forwarded-For).
   * `true` means one: the TLS-terminating proxy of docs/operations.md. Never "every hop": the left-most
   * entries are whatever the caller wrote, and sign-in throttling and rate limits key on this address.
   */
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|yes|no|\d{1,2})$/, 'must be true, false or a number of proxies')
    .transform((v) => (v === 'true' || v === 'yes' ? 1 : v === 'false' || v === 'no' ? 0 : Number(v)))
    .default(0),
  /**
   * Without REDIS_URL: how often each instance tells the others through PostgreSQL that it is alive
   * (socket.io's PostgreSQL adapter; an instance silent for twice this long is taken to be gone). An
   * instance that has heard of no other for two intervals stops publishing new messages to nobody.
   */
  REALTIME_HEARTBEAT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  /** Redis for socket.io fan-out between instances; without it the PostgreSQL adapter is used. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  /** Default retention per channel kind, in days; a channel's own is fixed at creation within the bounds. */
  RETENTION_DAYS_DIRECT: z.coerce.number().int().min(1).default(90),
  RETENTION_DAYS_MEETING: z.coerce.number().int().min(1).default(365),
  RETENTION_DAYS_REFERRAL: z.coerce.number().int().min(1).default(365),
  RETENTION_MIN_DAYS: z.coerce.number().int().min(1).default(1),
  RETENTION_MAX_DAYS: z.coerce.number().int().min(1).default(3650),
  /**
   * The MASH hub's screening deadlines, in plain hours from receipt (the hub works around the clock: an
   * emergency duty team covers nights and weekends, so the clock never stops). A rating sets which one
   * applies; before one, the urgency the referrer asked for does (immediate → red, urgent → amber,
   * standard → green).
   */
  REFERRAL_DEADLINE_HOURS_RED: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(4),
  REFERRAL_DEADLINE_HOURS_AMBER: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
  REFERRAL_DEADLINE_HOURS_GREEN: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(72),
  /** The assigned worker and the hub hear once when a referral's deadline is this many minutes away. */
  REFERRAL_DUE_SOON_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
  /** The concern categories a referral may name, comma-separated codes (lower case, underscores). */
  REFERRAL_CONCERN_CATEGORIES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return [...DEFAULT_CONCERN_CATEGORIES] as string[];
      const codes = [
        ...new Set(
          v
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean),
        ),
      ];
      const bad = codes.filter((c) => !/^[a-z][a-z0-9_]{1,48}$/.test(c));
      if (bad.length) {
        ctx.addIssue({
          code: 'custom',
          message: `not a category code (lower case and underscores): ${bad.join(', ')}`,
        });
        return z.NEVER;
      }
      return codes;
    }),
  /** An epoch key serves at most this long or this many messages, whichever comes first (DESIGN.md §3). */
  EPOCH_MAX_AGE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 7)
    .default(24 * 7),
  EPOCH_MAX_MESSAGES: z.coerce.number().int().min(1).max(500).default(500),
  /**
   * Largest message ciphertext accepted, in bytes (413 above). Bodies are padded to fixed sizes
   * (docs/protocol.md, "Padding"), then 16 bytes of authentication tag are added: the default lets a body
   * padded to 64 KiB through.
   */
  MESSAGE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024)
    .default(64 * 1024 + 16),
  /**
   * Group commit: concurrent sends are stored together, at most this many in one transaction, with at
   * most SEND_BATCH_CONCURRENCY such transactions in flight per instance. Each send is acknowledged
   * only after its transaction commits.
   */
  SEND_BATCH_MAX: z.coerce.number().int().min(1).max(1000).default(128),
  SEND_BATCH_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  /**
   * Encrypted file attachments (docs/operations.md, "Attachments"): the largest file, in plaintext bytes
   * (the server checks the size of its chunks against it, 413 above), and how long an upload may take: an
   * upload not completed within that many hours is deleted by the retention job.
   */
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(4 * 1024 * 1024 * 1024)
    .default(25 * 1024 * 1024),
  ATTACHMENT_UPLOAD_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 7)
    .default(24),
  /** How many expired messages one expiry transaction deletes at most. */
  EXPIRY_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(500),
  /**
   * Access that ends because time passes (a session's expiry, an observer's end date, a withdrawal taking
   * effect) ends on timers set for the moment; every this many seconds each instance also re-checks every
   * socket it holds and the next end date, in case a timer was set elsewhere. 0 turns the sweep off.
   */
  LIVE_ACCESS_SWEEP_SECONDS: z.coerce.number().int().min(0).max(3600).default(15),
  /**
   * Each socket may send this many events a second on average, up to SOCKET_EVENT_BURST at once; events
   * over that are refused with `rate_limited`, and a socket that sends as many again while refused is cut.
   */
  SOCKET_EVENTS_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(50),
  SOCKET_EVENT_BURST: z.coerce.number().int().min(1).max(100_000).default(200),
  /**
   * The bearer token Prometheus presents for `GET /api/metrics` (at least 32 characters). Unset, the
   * endpoint is off (404): metrics are for operators, never for the people who use Strongroom.
   */
  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters (openssl rand -hex 32)').optional(),
  /**
   * The Ed25519 key (its 32-byte seed, base64: `openssl rand -base64 32`) that signs the audit log's
   * head (src/audit/audit-heads.service.ts). Unset: in development a key is made once and kept in
   * DATA_DIR/audit-signing.key; in production no head is signed, and the server says so at start.
   */
  AUDIT_SIGNING_KEY: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z
      .string()
      .trim()
      .refine(
        (v) => /^[A-Za-z0-9+/_-]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32,
        'must be 32 random bytes in base64 (openssl rand -base64 32)',
      )
      .optional(),
  ),
  /**
   * The cost of a password hash: scrypt's N is 2 to this power (15: OWASP's minimum, 32 MiB per hash, about
   * 100 ms). Below 15 only with NODE_ENV=test, where the suite makes thousands of accounts and sign-ins and
   * the hash's strength is not what is under test; a stored hash keeps the cost it was made with.
   */
  PASSWORD_SCRYPT_LOG_N: z.coerce.number().int().min(10).max(20).default(15),
  /** A head is signed once this many events were added since the last one… */
  AUDIT_HEAD_EVERY_EVENTS: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  /** …or this many minutes passed with at least one new event, whichever comes first. */
  AUDIT_HEAD_EVERY_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
});

export type AppConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {}

/** Parses the environment; throws a ConfigError listing every bad variable at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (parsed.data.PASSWORD_SCRYPT_LOG_N < 15 && parsed.data.NODE_ENV !== 'test') {
    throw new ConfigError(
      'Invalid configuration:\n  PASSWORD_SCRYPT_LOG_N: must be at least 15 outside tests (NODE_ENV=test)',
    );
  }
  return parsed.data;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
