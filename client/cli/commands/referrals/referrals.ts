import {
  FAMILY_CONSENTS,
  RAG_RATINGS,
  REFERRAL_DECISIONS,
  REFERRAL_URGENCIES,
} from '../../../../contracts/referrals.js';
import { LAWFUL_BASES } from '../../../../contracts/consent.js';
import {
  decideReferral,
  rateReferral,
  readReferral,
  shareReferral,
  submitReferral,
  type OpenedReferral,
  type ReferralQueueView,
  type ReferralReceipt,
  type ReferralView,
  type SecureSession,
} from '../../../sdk/node.js';
import { oneOf } from '../../choices.js';
import { chosenFile, fileAt, fileListing, progressLines, saveFile, type DownloadOpts } from '../channels/files.js';
import { CliUsageError, EXIT_UNVERIFIED, type CliContext } from '../../context.js';
import { fields, table } from '../../output.js';
import { date, Names, resolveFamily, resolveUser } from '../../secure.js';

/** Words for codes a person reads: `school_attendance` → "school attendance". */
export const words = (code: string | null | undefined): string => (code ? code.replace(/_/g, ' ') : '-');

const STATE_WORDS: Record<ReferralReceipt['state'], string> = {
  draft: 'not submitted',
  received: 'received, waiting to be screened',
  screening: 'being screened',
  information_gathering: 'gathering information',
  decided: 'decided',
  closed: 'closed',
};

const ref = (value: string): string => {
  const v = value.trim().toUpperCase();
  if (/^MASH-\d{4}-\d{6}$/.test(v)) return v;
  if (/^[0-9a-f-]{36}$/i.test(value)) return value;
  throw new CliUsageError(`"${value}" is not a referral reference (MASH-2026-000123).`);
};

/** "Name" or "Name, 2016-02-03": a subject as typed after --child or --adult. */
function subject(
  role: 'child' | 'adult',
  text: string,
): { role: 'child' | 'adult'; name: string; dateOfBirth?: string } {
  const [name, dob] = text.split(/,(?=\s*\d{4}-\d{2}-\d{2}\s*$)/).map((x) => x.trim());
  if (!name) throw new CliUsageError(`--${role} needs a name, optionally followed by ", YYYY-MM-DD".`);
  return dob ? { role, name, dateOfBirth: date(dob, `--${role}`) } : { role, name };
}

export interface SubmitOpts {
  category: string[];
  urgency: string;
  familyConsent: string;
  child?: string[];
  adult?: string[];
  concern: string;
  when?: string;
  evidence?: string;
  consentNote?: string;
  attach?: string[];
  quiet?: boolean;
}

/** `referrals submit`: a referral to the MASH hub, sealed to the hub's staff; its reference at once. */
export async function submit(ctx: CliContext, s: SecureSession, o: SubmitOpts): Promise<void> {
  const urgency = oneOf(REFERRAL_URGENCIES, o.urgency, '--urgency');
  const familyConsent = oneOf(FAMILY_CONSENTS, o.familyConsent, '--family-consent');
  const settings = await s.client.referralSettings();
  const unknown = o.category.filter((c) => !settings.categories.includes(c));
  if (unknown.length) {
    throw new CliUsageError(
      `--category is one or more of: ${settings.categories.join(', ')} (not ${unknown.join(', ')}).`,
    );
  }
  const subjects = [
    ...(o.child ?? []).map((c) => subject('child', c)),
    ...(o.adult ?? []).map((a) => subject('adult', a)),
  ];
  if (!subjects.some((x) => x.role === 'child')) throw new CliUsageError('Name at least one child with --child.');
  if (familyConsent !== 'given' && !o.consentNote) {
    ctx.progress('Tip: say why the family has not agreed with --consent-note; the hub needs to know.\n');
  }
  const files = await Promise.all((o.attach ?? []).map((f) => fileAt(f)));
  const progress = files.map((f) => progressLines(ctx, 'Uploading', f.name, o.quiet));
  ctx.progress('Encrypting the referral for the hub’s staff…\n');
  const { receipt } = await submitReferral(s, {
    files,
    onProgress: (i, p) => progress[i]?.(p),
    categories: o.category,
    urgency,
    familyConsent,
    subjects,
    content: {
      concern: o.concern,
      ...(o.when ? { when: o.when } : {}),
      ...(o.evidence ? { evidence: o.evidence } : {}),
      ...(o.consentNote ? { consentNote: o.consentNote } : {}),
    },
  });
  const hours = settings.deadlineHours;
  ctx.print(
    receipt,
    `Referral ${receipt.ref} received and acknowledged at ${receipt.acknowledgedAt}.\n` +
      `The hub screens it by its rating: red within ${hours.red} hours, amber ${hours.amber}, green ${hours.green}.\n` +
      `You will see its rating and the hub’s decision: strongroom referrals show ${receipt.ref}\n`,
  );
}

/** `referrals list`: yours, those shared with you (--shared), or every one (--hub, hub staff). */
export async function list(
  ctx: CliContext,
  s: SecureSession,
  o: { hub?: boolean; shared?: boolean; state?: string },
): Promise<void> {
  const rows = await s.client.referrals({
    box: o.hub ? 'hub' : o.shared ? 'shared' : 'mine',
    ...(o.state ? { state: o.state as ReferralReceipt['state'] } : {}),
  });
  ctx.print(rows, () =>
    rows.length
      ? table(
          rows.map((r) => ({
            ref: r.ref ?? '(draft)',
            state: STATE_WORDS[r.state],
            rag: r.rag ?? '-',
            decision: words(r.decision),
            received: r.receivedAt ?? '-',
          })),
          [
            ['ref', 'REFERENCE'],
            ['state', 'STATE'],
            ['rag', 'RATING'],
            ['decision', 'DECISION'],
            ['received', 'RECEIVED'],
          ],
        )
      : 'No referrals.\n',
  );
}

/**
 * `referrals show`: the whole referral, decrypted here (hub, partners); the receipt for its referrer. A
 * part that could not be verified is left out with a warning, and the exit code is 6.
 */
export async function show(ctx: CliContext, s: SecureSession, _o: unknown, which: string): Promise<number | void> {
  const { receipt, opened } = await readReferral(s, ref(which));
  if (!opened) {
    ctx.print(receipt, () => renderReceipt(receipt));
    return;
  }
  const names = new Names(s);
  await names.load(opened.view.channelId).catch(() => names);
  ctx.print(opened, () => renderFull(opened, names));
  if (opened.problems.length) {
    if (ctx.json) for (const p of opened.problems) ctx.io.err(`Warning: ${p}\n`);
    return EXIT_UNVERIFIED;
  }
}

/** `referrals download`: a file kept with the referral, by its number in `referrals show` or its name. */
export async function download(
  ctx: CliContext,
  s: SecureSession,
  o: DownloadOpts,
  which: string,
  file: string,
): Promise<number | void> {
  const { opened } = await readReferral(s, ref(which));
  if (!opened) throw new CliUsageError('Only the hub and the partners it shared the referral with can read its files.');
  const chosen = chosenFile(opened.content?.files ?? [], file, 'The referral');
  return saveFile(ctx, s, o, chosen);
}

function renderReceipt(r: ReferralReceipt): string {
  return (
    fields([
      ['Referral', r.ref],
      ['State', STATE_WORDS[r.state]],
      ['Received', r.receivedAt],
      ['Acknowledged', r.acknowledgedAt],
      ['Rating', r.rag],
      ['Decision', words(r.decision)],
      ['Decided', r.decidedAt],
      ['Closed', r.closedAt],
    ]) + '\nThe hub shares its decision with you; what it and partners wrote stays with them.\n'
  );
}

/** In place of a part of a referral that did not open as part of it; the warnings below say which. */
const UNVERIFIED = '(could not be verified: see the warnings below)';

function renderFull(o: OpenedReferral, names: Names): string {
  const v = o.view;
  const parts = [
    fields([
      ['Referral', v.ref],
      ['State', STATE_WORDS[v.state]],
      ['Concerns', v.categories.map(words).join(', ')],
      ['Urgency asked', v.urgency],
      ['Family agrees', words(v.familyConsent)],
      ['Referred by', names.of(v.referrerUserId)],
      ['Received', v.receivedAt],
      ['Deadline', v.deadlineAt ? `${v.deadlineAt}${v.overdue ? ' (OVERDUE)' : ''}` : null],
      ['Rating', v.rag],
      ['Assigned to', names.of(v.assignedTo)],
      ['Decision', words(v.decision)],
      ['Decision why', v.decisionRationale ? (o.decisionRationale ?? UNVERIFIED) : null],
      ['Family', v.familyId],
    ]),
    '\nAbout:\n' +
      o.subjects
        .map(
          (x) =>
            `  ${x.role}: ` +
            (x.details
              ? `${x.details.name ?? '?'}${x.details.dateOfBirth ? `, born ${x.details.dateOfBirth}` : ''}`
              : UNVERIFIED),
        )
        .join('\n'),
    '\nConcern:\n' +
      fields([
        ['What', v.content && !o.content ? UNVERIFIED : o.content?.concern],
        ['When', o.content?.when],
        ['Evidence', o.content?.evidence],
        ['Why the family was not asked', o.content?.consentNote],
      ]),
  ];
  const files = o.content?.files ?? [];
  if (files.length) {
    parts.push(fileListing(files, `strongroom referrals download ${v.ref ?? v.id}`));
  }
  if (o.ratings.length) {
    parts.push(
      '\nRatings:\n' +
        table(
          o.ratings.map((r) => ({ ...r, by: names.of(r.ratedBy), rationale: r.rationale ?? UNVERIFIED })),
          [
            ['ratedAt', 'WHEN'],
            ['rag', 'RATING'],
            ['by', 'BY'],
            ['rationale', 'WHY'],
          ],
        ),
    );
  }
  if (o.shares.length) {
    parts.push(
      '\nShared with:\n' +
        table(
          o.shares.map((x) => ({
            who: names.of(x.userId),
            on: x.lawfulBasis ? words(x.lawfulBasis) : 'consent',
            why: x.justification ?? (v.shares.find((y) => y.id === x.id)?.justification ? UNVERIFIED : ''),
          })),
          [
            ['who', 'WHO'],
            ['on', 'BASIS'],
            ['why', 'WHY'],
          ],
        ),
    );
  }
  parts.push(
    '\nTimeline:\n' +
      table(
        v.timeline.map((e) => ({ at: e.at, what: words(e.kind), by: names.of(e.actorUserId) })),
        [
          ['at', 'WHEN'],
          ['what', 'WHAT'],
          ['by', 'BY'],
        ],
      ),
  );
  if (o.problems.length) parts.push('\n' + o.problems.map((p) => `Warning: ${p}`).join('\n'));
  return parts.join('\n') + '\n';
}

const done = (ctx: CliContext, v: ReferralView, what: string) =>
  ctx.print(
    v,
    `${v.ref}: ${what}. Now ${STATE_WORDS[v.state]}${v.deadlineAt && v.state !== 'decided' && v.state !== 'closed' ? `, deadline ${v.deadlineAt}` : ''}.\n`,
  );

async function fullView(s: SecureSession, which: string): Promise<ReferralView> {
  const answer = await s.client.referral(ref(which));
  if (answer.view !== 'full') throw new CliUsageError('Only the MASH hub’s staff can do this.');
  return answer;
}

export async function claim(ctx: CliContext, s: SecureSession, _o: unknown, which: string): Promise<void> {
  done(ctx, await s.client.claimReferral(ref(which)), 'taken on by you');
}

export async function rate(
  ctx: CliContext,
  s: SecureSession,
  o: { rag: string; why: string },
  which: string,
): Promise<void> {
  const rag = oneOf(RAG_RATINGS, o.rag, '--rag');
  done(ctx, await rateReferral(s, await fullView(s, which), rag, o.why), `rated ${rag}`);
}

export async function share(
  ctx: CliContext,
  s: SecureSession,
  o: { consent?: boolean; lawfulBasis?: string; why?: string },
  which: string,
  who: string,
): Promise<void> {
  if (Boolean(o.consent) === Boolean(o.lawfulBasis)) {
    throw new CliUsageError('Say on what basis: --consent (the family agreed), or --lawful-basis with --why.');
  }
  if (o.lawfulBasis && !o.why)
    throw new CliUsageError('--lawful-basis needs --why: why sharing without consent is necessary.');
  const userId = await resolveUser(s, who);
  const basis = o.consent
    ? ({ consent: true } as const)
    : { lawfulBasis: oneOf(LAWFUL_BASES, o.lawfulBasis!, '--lawful-basis'), justification: o.why! };
  const { view, recordKeysShared } = await shareReferral(s, await fullView(s, which), userId, basis);
  done(ctx, view, `shared with ${who}`);
  if (!recordKeysShared && !ctx.json) {
    ctx.progress(
      `${who} has no approved device yet: they will read the referral once they set one up and you share again.\n`,
    );
  }
}

export async function decide(
  ctx: CliContext,
  s: SecureSession,
  o: { decision: string; why: string; family?: string; lead?: string },
  which: string,
): Promise<void> {
  const decision = oneOf(REFERRAL_DECISIONS, o.decision, '--decision');
  if (decision === 'early_help' && Boolean(o.family) === Boolean(o.lead)) {
    throw new CliUsageError('Early help needs a family: --family <EH-…> to link one, or --lead <e-mail> to open one.');
  }
  if (decision !== 'early_help' && (o.family || o.lead)) {
    throw new CliUsageError('--family and --lead are for an early-help decision only.');
  }
  const family = o.family
    ? { familyId: (await resolveFamily(s, o.family)).id }
    : o.lead
      ? { leadWorkerId: await resolveUser(s, o.lead) }
      : null;
  const v = await decideReferral(s, await fullView(s, which), decision, o.why, family);
  done(ctx, v, `decided: ${words(decision)}${v.familyId ? ` (family ${v.familyId})` : ''}`);
}

export async function close(ctx: CliContext, s: SecureSession, _o: unknown, which: string): Promise<void> {
  done(ctx, await s.client.closeReferral(ref(which)), 'closed');
}

/** `queue`: the hub's open referrals, overdue first, with counts. */
export async function queue(ctx: CliContext, s: SecureSession): Promise<void> {
  const q = await s.client.referralQueue();
  ctx.print(q, () => renderQueue(q));
}

function renderQueue(q: ReferralQueueView): string {
  const counts =
    `Open: ${q.entries.length} (overdue ${q.overdue}). ` +
    `Red ${q.byRag.red}, amber ${q.byRag.amber}, green ${q.byRag.green}, not yet rated ${q.byRag.unrated}. ` +
    `Waiting ${q.byState.received}, screening ${q.byState.screening}, gathering ${q.byState.information_gathering}.\n`;
  if (!q.entries.length) return counts;
  return (
    counts +
    '\n' +
    table(
      q.entries.map((e) => ({
        ref: e.ref,
        due: `${e.deadlineAt}${e.overdue ? ' OVERDUE' : ''}`,
        rag: e.rag ?? `(${e.urgency})`,
        state: STATE_WORDS[e.state],
        concerns: e.categories.map(words).join(', '),
      })),
      [
        ['ref', 'REFERENCE'],
        ['due', 'DEADLINE'],
        ['rag', 'RATING'],
        ['state', 'STATE'],
        ['concerns', 'CONCERNS'],
      ],
    )
  );
}
