import type { AppConfig } from '../config/config.schema.js';

/** How the server sends e-mail: through SMTP, into the development outbox, or not at all. */
export type MailMode = 'smtp' | 'outbox' | 'off';

/**
 * SMTP when SMTP_URL is set. Without it, development writes messages to DATA_DIR/outbox; production and
 * tests send nothing (production says so at start: invitations are then carried by hand).
 */
export function mailMode(config: Pick<AppConfig, 'SMTP_URL' | 'NODE_ENV'>): MailMode {
  if (config.SMTP_URL) return 'smtp';
  return config.NODE_ENV === 'development' ? 'outbox' : 'off';
}

/** The line the server prints at start about e-mail, or null when there is nothing to say. */
export function mailStartupNotice(config: Pick<AppConfig, 'SMTP_URL' | 'NODE_ENV' | 'DATA_DIR' | 'PUBLIC_URL'>) {
  const mode = mailMode(config);
  if (mode === 'outbox')
    return `E-mail: no SMTP_URL is set, so invitations and password resets are written to ${config.DATA_DIR}/outbox instead of being sent.`;
  if (mode === 'off' && config.NODE_ENV === 'production')
    return (
      'E-mail is off: no SMTP_URL is set. Invitations must be carried by hand (`users create` prints the token), ' +
      'and nobody can reset a forgotten password. Set SMTP_URL and MAIL_FROM to send them (docs/operations.md, "E-mail").'
    );
  if (mode === 'smtp' && !config.PUBLIC_URL && config.NODE_ENV === 'production')
    return 'E-mail: PUBLIC_URL is not set, so links in e-mails use the address this server listens on. Set PUBLIC_URL to the address people use.';
  return null;
}
