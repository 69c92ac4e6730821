import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import {
  anchorsFromJson,
  FileKeyStore,
  isPublicKeyText,
  mergeAnchors,
  RecordExporter,
  renderExportHtml,
  verifyExportText,
  type ExportSignerReport,
  type ExportVerification,
  type SecureSession,
  type SignedExport,
  type TrustAnchors,
} from '../../sdk/node.js';
import type { Action } from '../cli.js';
import { collect } from '../choices.js';
import { systemProblem } from '../system-errors.js';
import { CliUsageError, type CliContext } from '../context.js';
import { resolveFamily, resolveMeeting, secured } from '../secure.js';
import { homeDir, keyStoreDir, loadSession } from '../state.js';

const FORMATS = ['both', 'html', 'json'];

export interface ExportOpts {
  out: string;
  format: string;
  force?: boolean;
}

/** Writes the export as HTML and/or JSON (readable only by you: it holds decrypted case content). */
async function write(ctx: CliContext, doc: SignedExport, stem: string, o: ExportOpts): Promise<string[]> {
  if (!FORMATS.includes(o.format)) throw new CliUsageError(`--format is one of: ${FORMATS.join(', ')}.`);
  const files: [string, string][] = [];
  if (o.format !== 'json') files.push([`${stem}.html`, renderExportHtml(doc)]);
  if (o.format !== 'html') files.push([`${stem}.json`, JSON.stringify(doc, null, 2) + '\n']);
  // A missing folder is made, for this person only: what goes in it is decrypted case content.
  await mkdir(path.resolve(o.out), { recursive: true, mode: 0o700 }).catch((err: unknown) => {
    throw new CliUsageError(`Cannot make the folder ${path.resolve(o.out)}: ${systemProblem(err) ?? String(err)}`);
  });
  const written: string[] = [];
  for (const [name, text] of files) {
    const file = path.resolve(o.out, name);
    try {
      await writeFile(file, text, { mode: 0o600, flag: o.force ? 'w' : 'wx' });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new CliUsageError(`${file} already exists: choose --out, or --force to replace it.`);
      throw new CliUsageError(`Cannot write ${file}: ${systemProblem(err) ?? String(err)}`);
    }
    written.push(file);
  }
  ctx.progress(`Exported ${doc.kind} ${doc.exportId}, signed by this device.\n`);
  return written;
}

const exportOptions = (c: Command) =>
  c
    .option('--out <dir>', 'the folder to write to (made, readable only by you, if it does not exist)', '.')
    .option('--format <format>', 'html, json or both', 'both')
    .option('--force', 'replace files of the same name');

const safe = (s: string) => s.replace(/[^A-Za-z0-9-]+/g, '-');

/** What the command prints once the files are written. */
function printWritten(ctx: CliContext, doc: SignedExport, files: string[]): void {
  ctx.print(
    { exportId: doc.exportId, kind: doc.kind, files },
    `Signed export written:\n${files.map((f) => `  ${f}\n`).join('')}`,
  );
}

/** `export meeting`: a closed meeting with its attendance, signed minutes, decisions and actions. */
async function exportMeeting(ctx: CliContext, s: SecureSession, o: ExportOpts, which: string): Promise<void> {
  const doc = await new RecordExporter(s).meeting(await resolveMeeting(s, which));
  if (doc.kind !== 'meeting') throw new Error('unexpected export kind');
  const m = doc.record.meeting;
  const stem = safe(`meeting-${m.familyRef ?? m.kind}-${m.scheduledAt.slice(0, 10)}-${m.id.slice(0, 8)}`);
  printWritten(ctx, doc, await write(ctx, doc, stem, o));
}

/** `export plan`: a family's whole-family plan with its coverage, progress and actions. */
async function exportPlan(ctx: CliContext, s: SecureSession, o: ExportOpts, which: string): Promise<void> {
  const f = await resolveFamily(s, which);
  const doc = await new RecordExporter(s).familyPlan(f.id);
  if (doc.kind !== 'family-plan') throw new Error('unexpected export kind');
  const stem = safe(`plan-${f.ref}-v${doc.record.plan.version}-${doc.exportedAt.slice(0, 10)}`);
  printWritten(ctx, doc, await write(ctx, doc, stem, o));
}

export interface VerifyExportOpts {
  key: string[];
  trust: string[];
}

/** `export verify`'s exit code for an export that is consistent but whose signers are not all anchored. */
export const EXIT_NOT_ANCHORED = 5;

/**
 * What the verifier already holds, from outside the export: the trust store of whoever is signed in on
 * this computer (the people and devices their client pinned, and their own identity key), `--key` and
 * `--trust`. With nobody signed in and neither option, nothing: every signer is unanchored.
 */
async function anchorsFor(ctx: CliContext, o: VerifyExportOpts): Promise<TrustAnchors> {
  const sources: TrustAnchors[] = [];
  const session = await loadSession(ctx.io.env);
  if (session?.userId) {
    const file = path.join(homeDir(ctx.io.env), 'trust', `${session.userId}.json`);
    const text = await readFile(file, 'utf8').catch(() => null);
    let pinned: TrustAnchors | null = null;
    try {
      pinned = text === null ? null : anchorsFromJson(JSON.parse(text) as unknown, 'on this computer');
    } catch {
      // An unreadable trust store pins nobody, as for the session itself.
    }
    if (pinned) sources.push(pinned);
    const own = await new FileKeyStore(keyStoreDir(ctx.io.env)).publicIdentity(session.userId);
    if (own) {
      sources.push({ identities: [{ userId: session.userId, identityPublicKey: own, how: 'your own identity key' }] });
    }
  }
  for (const key of o.key) {
    if (!isPublicKeyText(key)) {
      throw new CliUsageError(
        `--key takes a public key: a device’s signing key or a person’s identity key, 43 characters of base64url. “${key}” is not one.`,
      );
    }
    sources.push({ keys: [{ key, how: 'given with --key' }] });
  }
  for (const file of o.trust) {
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text === null) throw new CliUsageError(`Cannot read ${file}.`);
    let parsed: TrustAnchors | null = null;
    try {
      parsed = anchorsFromJson(JSON.parse(text) as unknown, `in ${file}`);
    } catch {
      // reported below
    }
    if (!parsed) {
      throw new CliUsageError(
        `${file} is neither a JSON list of public keys nor a Strongroom trust store file: --trust takes one of those.`,
      );
    }
    sources.push(parsed);
  }
  return mergeAnchors(...sources);
}

/** One signer as `verify` prints them: who, what they signed, the numbers to compare, and what vouches for them. */
function signerLines(r: ExportSignerReport): string {
  const who = r.person ? `${r.person.displayName}${r.person.agencyName ? ` (${r.person.agencyName})` : ''}` : 'someone';
  return (
    `  ${who} ${r.role}\n` +
    `    device ${r.deviceId}, device fingerprint ${r.deviceFingerprint ?? 'unreadable'}\n` +
    (r.safetyNumber
      ? `    safety number ${r.safetyNumber}\n`
      : '    no identity signature: only their device key can vouch for them\n') +
    (r.anchor ? `    anchored: ${r.anchor}\n` : '    NOT anchored: no key you hold vouches for this device\n') +
    (r.conflict ? `    WARNING: it contradicts what you hold (${r.conflict})\n` : '')
  );
}

function verdict(result: ExportVerification, unusedKeys: string[]): string {
  const unused = unusedKeys.map((k) => `Note: the key ${k} you gave matches none of the signers.\n`).join('');
  if (result.status === 'invalid') return `${unused}\nThe export does NOT verify: do not rely on it.\n`;
  if (result.status === 'anchored') {
    return `${unused}\nThe export verifies, and every signer is anchored to a key you hold.\n`;
  }
  const missing = result.signers.filter((r) => !r.anchor).length;
  return (
    unused +
    `\nThe export is consistent, but ${missing} of its ${result.signers.length} signatures are not anchored to a key you hold. ` +
    'Nothing is proven until you compare the fingerprints above with the people named (in person or by phone), ' +
    'or check it again with their keys (--key, --trust, or signed in on a computer that has verified them).\n'
  );
}

/**
 * `export verify`: checks a file offline, with no server: exit 0 when it is consistent and every signer
 * is anchored to a key from outside it, 5 when it is consistent but not anchored, 1 when it is broken.
 */
async function verifyExport(ctx: CliContext, o: VerifyExportOpts, file: string): Promise<number> {
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) throw new CliUsageError(`Cannot read ${file}.`);
  const anchors = await anchorsFor(ctx, o);
  const result = await verifyExportText(text, anchors);
  const used = new Set(result.signers.flatMap((r) => [r.ed25519PublicKey, r.identityPublicKey]));
  const unusedKeys = o.key.filter((k) => !used.has(k));
  const by = result.exportedBy;
  ctx.print(
    { file, ...result },
    () =>
      result.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'}  ${c.check}\n`).join('') +
      (by
        ? `\nExported by ${by.displayName} (${by.agencyName}), device ${by.deviceId}\n` +
          `Device fingerprint: ${result.deviceFingerprint}\n`
        : '') +
      (result.signers.length ? `\nSigned by:\n${result.signers.map(signerLines).join('')}` : '') +
      verdict(result, unusedKeys),
  );
  return result.status === 'anchored' ? 0 : result.status === 'not_anchored' ? EXIT_NOT_ANCHORED : 1;
}

/** Signed exports to an agency's case record, and checking one offline. */
export function registerExportCommands(program: Command, action: Action): void {
  const exp = program
    .command('export')
    .description('Promote to the case record: signed, self-contained exports (HTML and JSON) for your case system')
    .addHelpText(
      'after',
      '\nThe export is decrypted and signed on this computer by your device; the server records only that\n' +
        'you exported it. Anyone can check an export later, offline, with `strongroom export verify`.\n' +
        'The files hold case content in clear: keep them where your agency keeps case records.',
    );
  exportOptions(
    exp.command('meeting <meeting>').description('A closed meeting: attendance, signed minutes, decisions, actions'),
  ).action(action(secured(exportMeeting)));
  exportOptions(
    exp.command('plan <family>').description('A family’s whole-family plan: objectives, coverage, progress, actions'),
  ).action(action(secured(exportPlan)));
  exp
    .command('verify <file>')
    .description('Check an export (HTML or JSON) offline, and who signed it, against the keys you hold')
    .option(
      '--key <publicKey>',
      'a key you hold for a signer: their device key or their identity key (repeatable)',
      collect,
      [],
    )
    .option('--trust <file>', 'a JSON list of such keys, or a Strongroom trust store file (repeatable)', collect, [])
    .addHelpText(
      'after',
      '\nA valid signature proves the file is exactly what some device signed; anyone can make new keys and\n' +
        'sign an edited copy. So each signer (the exporter, the chair, each amendment’s author) is checked\n' +
        'against keys from outside the file: the people and devices your computer has pinned (when you are\n' +
        'signed in here), your own identity key, and any --key or --trust. It prints who signed, with their\n' +
        'device fingerprints and safety numbers.\n\n' +
        'Exit codes: 0 the export is intact and every signer is anchored to a key you hold; 1 it is broken\n' +
        `(do not rely on it); ${EXIT_NOT_ANCHORED} it is intact but not every signer is anchored: nothing is proven until you\n` +
        'compare the fingerprints with the people named, or check again with their keys.',
    )
    .action(action(verifyExport));
}
