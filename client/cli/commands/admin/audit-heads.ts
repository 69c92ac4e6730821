import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { auditHeadView, type AuditHeadView } from '../../../../contracts/audit-heads.js';
import {
  checkAuditHead,
  checkLogAgainstHead,
  describeHeadCheck,
  type AuditHeadCheck,
  type ChainedEvent,
  type HeadCheckReport,
} from '../../../sdk/node.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { writeNewFile } from '../../new-file.js';
import { fields, table } from '../../output.js';
import { verifyAudit } from './audit.js';

export interface AuditHeadsOptions {
  sign?: boolean;
  save?: string;
  force?: boolean;
  limit: string;
}

/**
 * `audit heads`: the signing key and the signed heads, newest first; `--sign` signs the log's end first,
 * `--save FILE` keeps the newest head in a file to check a log against later (`audit verify --from-head`).
 */
export async function auditHeads(ctx: CliContext, o: AuditHeadsOptions): Promise<number> {
  const limit = Number(o.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new CliUsageError('--limit must be 1 to 500.');
  const { client } = await ctx.sessionClient();
  const key = await client.auditSigningKey();
  let signed: { head: AuditHeadView | null; created: boolean } | null = null;
  if (o.sign) signed = await client.signAuditHead();
  const heads: CheckedHead[] = [];
  for (const h of await client.auditHeads({ limit }))
    heads.push({ ...h, check: await checkAuditHead(h, key.publicKey) });
  const newest = heads[0] ?? null;
  let savedTo: string | null = null;
  if (o.save) {
    if (!newest) throw new CliUsageError('There is no signed head to save yet: try again with --sign.', 'no_head');
    if (newest.check !== 'valid') {
      throw new CliUsageError(
        `The newest head (event #${newest.seq}) ${CHECK_WORDS[newest.check]}: it is not saved. Tell the ISA team’s ` +
          'security lead: someone may have written to the server’s database.',
        'untrusted_head',
      );
    }
    savedTo = path.resolve(o.save);
    const { check: _check, ...head } = newest;
    const text = JSON.stringify(head, null, 2) + '\n';
    await writeNewFile(savedTo, { force: o.force === true, flag: '--save', unwritableIsUsage: true }, (h) =>
      h.write(text).then(() => undefined),
    );
  }
  ctx.print({ signingKey: key, signed, heads, savedTo }, () => {
    const lines: string[] = [];
    lines.push(
      key.publicKey
        ? fields([
            ['Signing key', `${key.publicKey} (Ed25519)`],
            ['A head is signed', `every ${key.everyEvents} events or ${key.everyMinutes} minutes`],
          ])
        : 'This server does not sign its audit log (its operator has not set AUDIT_SIGNING_KEY).\n',
    );
    if (signed) {
      lines.push(
        signed.created
          ? `Signed the log's end now: event #${signed.head?.seq}.\n`
          : `The newest head already covers the log's end (event #${signed.head?.seq}): nothing new to sign.\n`,
      );
    }
    lines.push(
      '\n' +
        table(
          heads.map((h) => ({
            seq: `#${h.seq}`,
            at: h.signedAt,
            hash: h.hash,
            key: h.publicKey.slice(0, 12) + '…',
            check: h.check === 'valid' ? 'checks' : h.check === 'other_key' ? 'ANOTHER KEY' : 'DOES NOT CHECK',
          })),
          [
            ['seq', 'EVENT'],
            ['at', 'SIGNED AT'],
            ['hash', 'HASH'],
            ['key', 'KEY'],
            ['check', 'SIGNATURE'],
          ],
        ),
    );
    for (const h of heads) {
      if (h.check !== 'valid') lines.push(`Warning: the head at event #${h.seq} ${CHECK_WORDS[h.check]}.\n`);
    }
    if (savedTo) {
      lines.push(
        `\nSaved head #${newest.seq} to ${savedTo}. Later, check a copy of the log against it:\n` +
          `  strongroom audit verify --from-head ${o.save} [--log FILE]\n`,
      );
    }
    return lines.join('');
  });
  // A head that does not check is a warning a script must not miss; one signed after a key change is not.
  return heads.some((h) => h.check === 'bad_signature') ? 1 : 0;
}

type CheckedHead = AuditHeadView & { check: AuditHeadCheck };

const CHECK_WORDS: Record<Exclude<AuditHeadCheck, 'valid'>, string> = {
  bad_signature: 'has a signature that does not check',
  other_key:
    'was signed with another key than the one this server signs with now (after a change of key that is expected; otherwise it was forged)',
};

/** `audit verify`: the chain as the server and this computer see it, or, with `--from-head`, against a saved head. */
export function auditVerify(ctx: CliContext, o: { fromHead?: string; log?: string; key?: string }): Promise<number> {
  if (o.fromHead) return verifyFromHead(ctx, { fromHead: o.fromHead, log: o.log, key: o.key });
  if (o.log || o.key) throw new CliUsageError('--log and --key go with --from-head <file>.');
  return verifyAudit(ctx);
}

export interface VerifyFromHeadOptions {
  fromHead: string;
  log?: string;
  key?: string;
}

/**
 * `audit verify --from-head FILE`: checks a log against a head saved earlier. With `--log FILE` (the whole
 * log as `audit events --export json` wrote it) entirely on this computer, with no server and no sign-in;
 * without it, the server's log as this person may read it.
 */
export async function verifyFromHead(ctx: CliContext, o: VerifyFromHeadOptions): Promise<number> {
  const head = await readHead(o.fromHead);
  const progress = (n: number) => ctx.progress(`\rChecked ${n} events…`);
  let report: HeadCheckReport;
  if (o.log) {
    const events = await readLog(o.log);
    report = await checkLogAgainstHead(head, [events], { expectedKey: o.key, onProgress: progress });
  } else {
    const { client } = await ctx.sessionClient();
    const me = await client.me();
    if (me.user.role !== 'isa_admin' && me.user.role !== 'auditor') {
      throw new CliUsageError(
        'You can read only part of the log on the server, and a head covers all of it. Ask your ISA administrator ' +
          'or auditor for the whole log (strongroom audit events --export json) and check it with --log FILE.',
        'whole_log_needed',
      );
    }
    report = await client.checkAuditLogAgainstHead(head, { expectedKey: o.key, onProgress: progress });
  }
  ctx.progress('\n');
  ctx.print(report, describeHeadCheck(report) + '\n');
  return report.ok ? 0 : 1;
}

async function readHead(file: string): Promise<AuditHeadView> {
  const parsed = auditHeadView.safeParse(await readJson(file, 'head'));
  if (!parsed.success) {
    throw new CliUsageError(
      `${file} is not a saved audit head (save one with: strongroom audit heads --save FILE).`,
      'not_a_head',
    );
  }
  return parsed.data;
}

/** The whole log as `audit events --export json` writes it: an array of events (or `{ "events": [...] }`). */
async function readLog(file: string): Promise<ChainedEvent[]> {
  const json = await readJson(file, 'log');
  const events: unknown = Array.isArray(json) ? json : (json as { events?: unknown } | null)?.events;
  const valid =
    Array.isArray(events) &&
    events.every(
      (e) =>
        typeof e === 'object' &&
        e !== null &&
        typeof (e as ChainedEvent).seq === 'number' &&
        typeof (e as ChainedEvent).prevHash === 'string' &&
        typeof (e as ChainedEvent).hash === 'string',
    );
  if (!valid) {
    throw new CliUsageError(
      `${file} is not an audit log export (make one with: strongroom audit events --export json --out FILE).`,
      'not_a_log',
    );
  }
  return [...(events as ChainedEvent[])].sort((a, b) => a.seq - b.seq);
}

async function readJson(file: string, what: 'head' | 'log'): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliUsageError(
      code === 'ENOENT' ? `There is no file ${file}.` : `Cannot read ${file} (${code ?? 'error'}).`,
      what === 'head' ? 'not_a_head' : 'not_a_log',
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CliUsageError(`${file} is not JSON.`, what === 'head' ? 'not_a_head' : 'not_a_log');
  }
}
