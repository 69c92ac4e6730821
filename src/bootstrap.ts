import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { AGENCY_SECTORS, type AgencySector } from '../contracts/agencies.js';
import { createApp } from './app.factory.js';
import { AppError } from './common/app-error.js';
import { ConfigError, loadConfig } from './config/config.schema.js';
import { startEmbeddedFor, type EmbeddedDatabase } from './database/embedded-postgres.js';
import { bootstrapPartnership, BootstrapRefused, type BootstrapInput } from './seed/bootstrap.js';

export interface BootstrapIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

const today = () => new Date().toISOString().slice(0, 10);

function command(io: BootstrapIo): Command {
  return new Command('bootstrap')
    .description(
      'Set up a new partnership on an empty database: the agreement, the MASH hub agency and the first ISA ' +
        'administrator, whose invitation code is printed once. Refused once the database has agencies or accounts.',
    )
    .requiredOption('--admin-email <email>', 'the first ISA administrator’s e-mail address')
    .requiredOption('--admin-name <name>', 'their name, as colleagues will see it')
    .requiredOption(
      '--agency <name>',
      'the hub agency (the MASH, usually the council); the administrator belongs to it',
    )
    .option('--sector <sector>', `its sector: ${AGENCY_SECTORS.join(', ')}`, 'local_authority')
    .option('--s35', 'it is a specified person under the Digital Economy Act 2017 s.35')
    .requiredOption('--agreement <label>', 'the agreement version, e.g. "10.0"')
    .requiredOption('--agreement-text <where>', 'where its text is published: an https:// address or a document title')
    .option('--published-on <YYYY-MM-DD>', 'when that version was published (default: today)')
    .option('--signed-by <name>', 'who signed the agreement for the hub agency, if it has signed')
    .option('--signatory-title <title>', 'their title (with --signed-by)')
    .option('--signed-on <YYYY-MM-DD>', 'when they signed (with --signed-by; default: today)')
    .addHelpText(
      'after',
      '\nThe database is the one in DATABASE_URL, or the embedded one in DATA_DIR when it is unset, as for the server.\n' +
        'Example:\n' +
        '  npm run bootstrap -- --admin-email isa.admin@northshire.gov.uk --admin-name "Priya Shah" \\\n' +
        '    --agency "Northshire County Council" --agreement 10.0 --published-on 2020-04-01 \\\n' +
        '    --agreement-text https://northshire.gov.uk/early-help/isa-v10.pdf \\\n' +
        '    --signed-by "Dana Whitfield" --signatory-title "Director of Children’s Services" --signed-on 2020-05-01',
    )
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
}

interface Options {
  adminEmail: string;
  adminName: string;
  agency: string;
  sector: string;
  s35?: boolean;
  agreement: string;
  agreementText: string;
  publishedOn?: string;
  signedBy?: string;
  signatoryTitle?: string;
  signedOn?: string;
}

/**
 * `npm run bootstrap -- …`: 0 when set up, 1 when refused (nothing written), 2 for a usage or
 * configuration problem. `env` is the server's configuration, as `npm start` reads it.
 */
export async function runBootstrap(
  argv: string[],
  env: Record<string, string | undefined>,
  io: BootstrapIo,
): Promise<number> {
  let o: Options;
  try {
    o = command(io).parse(argv, { from: 'user' }).opts<Options>();
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    throw err;
  }
  if (!(AGENCY_SECTORS as readonly string[]).includes(o.sector)) {
    io.err(`--sector must be one of: ${AGENCY_SECTORS.join(', ')}.\n`);
    return 2;
  }
  if (Boolean(o.signedBy) !== Boolean(o.signatoryTitle)) {
    io.err('Give --signed-by and --signatory-title together, or neither (the agency then signs later).\n');
    return 2;
  }
  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`${err.message}\n`);
    return 2;
  }
  const input: BootstrapInput = {
    agreement: { label: o.agreement, publishedOn: o.publishedOn ?? today(), textRef: o.agreementText },
    agency: { name: o.agency, sector: o.sector as AgencySector, deaS35Partner: Boolean(o.s35) },
    ...(o.signedBy
      ? { signature: { signatoryName: o.signedBy, signatoryTitle: o.signatoryTitle!, signedOn: o.signedOn ?? today() } }
      : {}),
    admin: { email: o.adminEmail, displayName: o.adminName },
  };

  let embedded: EmbeddedDatabase | null = null;
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    // Not while the server runs on it: one PostgreSQL per data folder (stop `npm start` first).
    embedded = await startEmbeddedFor(config, (line) => io.out(`${line}\n`));
    databaseUrl = embedded.url;
  }
  // Quiet, and no background jobs: this process only writes the first records and stops.
  const quiet = { ...config, LOG_LEVEL: env.LOG_LEVEL ? config.LOG_LEVEL : 'warn', JOB_INTERVAL_SECONDS: 0 } as const;
  const app = await createApp({ config: quiet, databaseUrl });
  // Initialised (never listening), so that closing it also closes the socket adapter's connections.
  await app.init();
  try {
    const done = await bootstrapPartnership(app, input);
    const invitation = done.admin.invitation;
    const signed = done.agency.status === 'signed';
    io.out(
      [
        'Strongroom is set up.',
        `  Agreement ${done.agreement.label}, published ${done.agreement.publishedOn}: ${done.agreement.textRef}`,
        `  ${done.agency.name}: the MASH hub, ${signed ? 'signed' : 'not signed yet (an ISA administrator records it: strongroom agencies sign)'}`,
        `  First ISA administrator: ${done.admin.user.displayName} <${done.admin.user.email}>`,
        '',
        `Invitation code for ${done.admin.user.displayName}, shown only now and valid until ${invitation.expiresAt}:`,
        '',
        `  ${invitation.token}`,
        '',
        'Give it to them in person or by a channel you trust. They open the server’s /invitation page (or run',
        '`strongroom invitation accept`), choose a password, and set up two-factor sign-in when they first sign in.',
        '',
      ].join('\n'),
    );
    return 0;
  } catch (err) {
    if (err instanceof BootstrapRefused) {
      io.err(`Nothing was changed. ${err.message}\n`);
      return 1;
    }
    if (err instanceof AppError) {
      // Checked before the first write, so this is rare: the steps before it stay written.
      io.err(`Bootstrap stopped part-way: ${err.message}\nSee what was written with \`strongroom agencies list\`.\n`);
      return 1;
    }
    throw err;
  } finally {
    await app.close();
    await embedded?.stop().catch(() => undefined);
  }
}

// Run as a program (`node dist/src/bootstrap.js …`), not when a test imports it.
if (process.argv[1] && /bootstrap\.(js|ts)$/.test(process.argv[1])) {
  runBootstrap(process.argv.slice(2), process.env, {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`Bootstrap failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
