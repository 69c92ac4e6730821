import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { eventually } from './eventually.js';

/** One message as the SMTP server received it: the envelope's recipients, the subject and the decoded text. */
export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  raw: string;
}

/** The body of a single-part message, undone from quoted-printable or base64 as its header says. */
function decodeBody(raw: string): { subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n') >= 0 ? raw.indexOf('\r\n\r\n') : raw.indexOf('\n\n');
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const text =
    encoding === 'base64'
      ? Buffer.from(body, 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? Buffer.from(
            body
              .replace(/=\r?\n/g, '')
              .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8')
        : body;
  return { subject: header('Subject'), text: text.replace(/\r\n/g, '\n') };
}

/**
 * A real SMTP server on a free loopback port that requires the user name and password in its URL, as a mail
 * provider would, and keeps every message it is given. Not a mock: the server's mailer speaks SMTP to it.
 */
export async function startSmtpServer(): Promise<{
  url: string;
  received: ReceivedMail[];
  /** The first message to `address` that satisfies `match`, once it has arrived. */
  mailTo(address: string, match?: (m: ReceivedMail) => boolean): Promise<ReceivedMail>;
  close(): Promise<void>;
}> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    logger: false,
    // A test server without a certificate: plain SMTP on loopback, credentials all the same.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === 'mailer' && auth.password === 'secret-smtp-pass') callback(null, { user: 'mailer' });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          raw,
          ...decodeBody(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://mailer:secret-smtp-pass@127.0.0.1:${port}`,
    received,
    mailTo: (address, match = () => true) =>
      eventually(() => {
        const found = received.find((m) => m.to.includes(address.toLowerCase()) && match(m));
        if (!found) throw new Error(`No e-mail to ${address} has arrived.`);
        return found;
      }, 15_000),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The one-time token in an e-mailed link (`…#code=…` or `…#token=…`). */
export function linkIn(text: string, page: string): { link: string; token: string } {
  const match = new RegExp(`(https?://\\S+${page}#(?:code|token)=([A-Za-z0-9_%-]+))`).exec(text);
  if (!match) throw new Error(`No ${page} link in:\n${text}`);
  return { link: match[1], token: decodeURIComponent(match[2]) };
}
