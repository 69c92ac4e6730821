import type { InformationRequestSubject, InformationRequestView, SecureSession } from '../../../sdk/node.js';
import { resolveAgency } from '../../agencies.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { resolveFamily, resolveRequest } from '../../secure.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * `--due`: a date means the end of that day on this computer's clock; a date and time is taken as it is
 * (with its time zone, or this computer's when it has none). It must be in the future.
 */
export function dueAt(value: string, now = new Date()): Date {
  const day = DATE.exec(value.trim());
  const at = day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3]), 23, 59, 59, 999) : new Date(value);
  if (Number.isNaN(at.getTime()) || (day && at.getDate() !== Number(day[3]))) {
    throw new CliUsageError('--due takes a date (YYYY-MM-DD) or a date and time (2026-03-10T17:00).');
  }
  if (at <= now) throw new CliUsageError('--due is in the past: give the date the answer is needed by.');
  return at;
}

export interface SendOpts {
  to: string;
  due: string;
  question: string;
  why: string;
}

/** A family (EH-…, or its id) or a MASH referral (MASH-…): what a request is about, and how it is named. */
async function subjectOf(
  s: SecureSession,
  which: string,
): Promise<{ subject: InformationRequestSubject; name: string }> {
  const ref = which.trim().toUpperCase();
  if (/^MASH-\d{4}-\d{6}$/.test(ref)) {
    const answer = await s.client.referral(ref);
    if (answer.view !== 'full') throw new CliUsageError('Only the MASH hub’s staff ask partners about a referral.');
    return { subject: { kind: 'referral', referralId: answer.id }, name: ref };
  }
  const family = await resolveFamily(s, which);
  return { subject: { kind: 'family', familyId: family.id }, name: family.ref };
}

/** `requests send`: asks an agency what it holds about a family or a referral, the question encrypted here. */
export async function sendRequest(ctx: CliContext, s: SecureSession, o: SendOpts, which: string): Promise<void> {
  const due = dueAt(o.due);
  if (!o.question.trim()) throw new CliUsageError('--question is empty: say what you are asking for.');
  if (!o.why.trim()) throw new CliUsageError('--why is empty: say why you need it.');
  const { subject, name } = await subjectOf(s, which);
  const toAgencyId = await resolveAgency(s.client, o.to);
  ctx.progress('Making the request’s conversation and encrypting the question…\n');
  const { request, notYetShared } = await s.sendInformationRequest({
    subject,
    toAgencyId,
    dueAt: due,
    question: o.question,
    why: o.why,
    title: `Information request: ${name}`,
  });
  ctx.print({ ...request, notYetShared }, () => {
    let out =
      `Asked ${request.toAgency.name} about ${name}: request ${request.id.slice(0, 8)}, due ${request.dueAt}.\n` +
      `Their agency admins can read the question; see the answer with \`strongroom requests show ${request.id.slice(0, 8)}\`.\n`;
    if (notYetShared.length) {
      out +=
        `${notYetShared.length} of them ha${notYetShared.length === 1 ? 's' : 've'} no device yet, or none this computer trusts ` +
        '(see `strongroom channels show`), so cannot read it until you give them the key:\n' +
        `  strongroom channels share-record ${request.channelId} <their e-mail>\n`;
    }
    return out;
  });
}

/** `requests withdraw`: the asker no longer needs the answer. */
export async function withdrawRequest(ctx: CliContext, s: SecureSession, _o: unknown, which: string): Promise<void> {
  const r = await s.client.withdrawInformationRequest(await resolveRequest(s, which));
  ctx.print(r, `Withdrawn: ${r.toAgency.name} no longer needs to answer request ${r.id.slice(0, 8)}.\n`);
}

/** `requests close`: the asker has the answer (or the reason for a refusal). */
export async function closeRequest(ctx: CliContext, s: SecureSession, _o: unknown, which: string): Promise<void> {
  const r: InformationRequestView = await s.client.closeInformationRequest(await resolveRequest(s, which));
  ctx.print(r, `Closed request ${r.id.slice(0, 8)}.\n`);
}
