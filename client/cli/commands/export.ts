import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import {
  RecordExporter,
  renderExportHtml,
  verifyExportText,
  type SecureSession,
  type SignedExport,
} from '../../sdk/node.js';
import type { Action } from '../cli.js';
import { CliUsageError, type CliContext } from '../context.js';
import { resolveFamily, resolveMeeting, secured } from '../secure.js';

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
  const written: string[] = [];
  for (const [name, text] of files) {
    const file = path.resolve(o.out, name);
    try {
      await writeFile(file, text, { mode: 0o600, flag: o.force ? 'w' : 'wx' });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new CliUsageError(`${file} already exists: choose --out, or --force to replace it.`);
      throw new CliUsageError(`Cannot write ${file}: ${code ?? String(err)}.`);
    }
    written.push(file);
  }
  ctx.progress(`Exported ${doc.kind} ${doc.exportId}, signed by this device.\n`);
  return written;
}

const exportOptions = (c: Command) =>
  c
    .option('--out <dir>', 'the folder to write to', '.')
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
  key?: string;
}

/** `export verify`: checks a file offline, with no server and no sign-in; exit 1 if it does not verify. */
async function verifyExport(ctx: CliContext, o: VerifyExportOpts, file: string): Promise<number> {
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) throw new CliUsageError(`Cannot read ${file}.`);
  const result = await verifyExportText(text);
  if (o.key) {
    result.checks.push({
      check: 'the exporting device key is the one expected (--key)',
      ok: result.exportedBy?.publicKey === o.key,
    });
    result.valid = result.checks.every((c) => c.ok);
  }
  const by = result.exportedBy;
  ctx.print(
    { file, ...result },
    () =>
      result.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'}  ${c.check}\n`).join('') +
      (by
        ? `\nExported by ${by.displayName} (${by.agencyName}), device ${by.deviceId}\n` +
          `Device fingerprint: ${result.deviceFingerprint}\n`
        : '') +
      (result.valid ? '\nThe export verifies.\n' : '\nThe export does NOT verify: do not rely on it.\n'),
  );
  return result.valid ? 0 : 1;
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
    .description('Check an export (HTML or JSON) offline: no server, no sign-in; exit 1 if it does not verify')
    .option('--key <publicKey>', 'the Ed25519 public key you expect the exporting device to have')
    .addHelpText(
      'after',
      '\nA valid signature proves the file is exactly what that device signed. To know whose device it is,\n' +
        'compare the device fingerprint shown with the exporter, or pass the key you hold with --key.',
    )
    .action(action(verifyExport));
}
