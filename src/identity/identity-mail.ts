import type { AppConfig } from '../config/config.schema.js';
import type { MailMessage } from '../mail/mailer.service.js';

/** The web client's pages that e-mailed links open (client/web/src/app.tsx); the token rides in the fragment. */
export const INVITATION_PAGE = '/invitation';
export const PASSWORD_RESET_PAGE = '/password-reset';

/**
 * The address the web client is reached at, for links: PUBLIC_URL when set. Otherwise an invitation uses the
 * address the administrator's request came to (`requestOrigin`), and a password reset the server's own HOST
 * and PORT: a reset request is anyone's, and a link built from the Host it names would send the person's
 * token to whatever site the requester chose.
 */
export function linkBase(config: Pick<AppConfig, 'PUBLIC_URL' | 'HOST' | 'PORT'>, requestOrigin?: string): string {
  if (config.PUBLIC_URL) return config.PUBLIC_URL;
  if (requestOrigin) return requestOrigin;
  return `http://${config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST}:${config.PORT}`;
}

/**
 * A link to a page with a one-time token. The token goes after `#`, which browsers never send to a server:
 * it stays out of access logs, proxies and the Referer header.
 */
export const tokenLink = (base: string, page: string, param: string, token: string): string =>
  `${base}${page}#${param}=${encodeURIComponent(token)}`;

export function invitationMail(p: {
  to: string;
  displayName: string;
  agencyName: string;
  link: string;
  token: string;
  expiresAt: Date;
}): MailMessage {
  return {
    kind: 'invitation',
    to: p.to,
    subject: 'Your Strongroom account is ready to set up',
    text: [
      `Hello ${p.displayName},`,
      '',
      `${p.agencyName} has made you a Strongroom account. Choose your password here:`,
      '',
      `  ${p.link}`,
      '',
      'Or, with the Strongroom command line, run `strongroom invitation accept` and give it this invitation code:',
      '',
      `  ${p.token}`,
      '',
      `The invitation works once, until ${p.expiresAt.toUTCString()}. If you were not expecting it, tell your`,
      "agency's administrator and do not use it.",
    ].join('\n'),
  };
}

export function passwordResetMail(p: { to: string; link: string; token: string; minutes: number }): MailMessage {
  return {
    kind: 'password-reset',
    to: p.to,
    subject: 'Choose a new Strongroom password',
    text: [
      'Someone asked to reset the password of the Strongroom account with this e-mail address.',
      'If it was you, choose a new password here:',
      '',
      `  ${p.link}`,
      '',
      'Or, with the Strongroom command line, run `strongroom password reset --token` and give it this code:',
      '',
      `  ${p.token}`,
      '',
      `The link works once, for ${p.minutes} minutes. Your authenticator code is still needed if your account`,
      'has one, and every signed-in session of yours ends when the new password is set.',
      '',
      'If it was not you, ignore this message: your password stays as it is.',
    ].join('\n'),
  };
}
