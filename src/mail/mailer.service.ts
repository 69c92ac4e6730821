import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '../config/config.schema.js';
import { mailMode, type MailMode } from './mail-mode.js';

/** One plain-text message to one person. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** A short label for the log and the outbox file name (`invitation`, `password-reset`). */
  kind: string;
}

/** What became of a message: sent to the SMTP server, written to the development outbox, or not sent. */
export type MailReceipt =
  { sent: true; mode: 'smtp' } | { sent: true; mode: 'outbox'; file: string } | { sent: false; reason: string };

/** SMTP timeouts, so an unreachable mail server fails a request in seconds rather than minutes. */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };

/**
 * Sends the server's few e-mails (invitations, password resets) through SMTP_URL, or in development
 * without it writes each to DATA_DIR/outbox and logs where. Messages carry one-time tokens: the outbox
 * files are the owner's only (0600), and neither the log nor the audit log ever holds a message's text.
 */
@Injectable()
export class Mailer implements OnModuleDestroy {
  private readonly log = new Logger('Mail');
  readonly mode: MailMode;
  private readonly transport: Transporter | null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.mode = mailMode(config);
    this.transport =
      this.mode === 'smtp'
        ? nodemailer.createTransport({ url: config.SMTP_URL!, ...SMTP_TIMEOUTS })
        : this.mode === 'outbox'
          ? nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
          : null;
  }

  get outboxDir(): string {
    return path.resolve(this.config.DATA_DIR, 'outbox');
  }

  /** Sends one message; never throws: a failure is logged and returned in plain words. */
  async send(message: MailMessage): Promise<MailReceipt> {
    if (!this.transport)
      return { sent: false, reason: 'This server does not send e-mail (its operator has not set it up).' };
    const envelope = { from: this.config.MAIL_FROM, to: message.to, subject: message.subject, text: message.text };
    try {
      const info = (await this.transport.sendMail(envelope)) as { message?: Buffer };
      if (this.mode === 'outbox') {
        await mkdir(this.outboxDir, { recursive: true, mode: 0o700 });
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        const file = path.join(this.outboxDir, `${stamp}-${message.kind}-${randomBytes(3).toString('hex')}.eml`);
        await writeFile(file, info.message ?? Buffer.alloc(0), { mode: 0o600 });
        this.log.log(`E-mail (${message.kind}) for ${message.to} written to ${file} (development outbox: no SMTP_URL)`);
        return { sent: true, mode: 'outbox', file };
      }
      this.log.log(`E-mail (${message.kind}) sent to ${message.to}`);
      return { sent: true, mode: 'smtp' };
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.log.error(`E-mail (${message.kind}) to ${message.to} could not be sent: ${why}`);
      return { sent: false, reason: 'The e-mail server did not take the message; the server log says why.' };
    }
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}
