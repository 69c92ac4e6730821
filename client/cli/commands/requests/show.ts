import {
  UnableToDecryptError,
  type InformationRequestBox,
  type InformationRequestState,
  type InformationRequestView,
  type OpenedInformationRequest,
  type SecureSession,
} from '../../../sdk/node.js';
import { INFORMATION_REQUEST_BOXES, INFORMATION_REQUEST_STATES } from '../../../../contracts/information-requests.js';
import { oneOf } from '../../choices.js';
import { CliUsageError, EXIT_UNVERIFIED, type CliContext } from '../../context.js';
import { fields, table } from '../../output.js';
import { chosenFile, fileListing, saveFile, type DownloadOpts } from '../channels/files.js';
import { resolveRequest } from '../../secure.js';

/** The words a person reads for each state. */
export const STATE_WORDS: Record<InformationRequestState, string> = {
  requested: 'waiting to be accepted',
  accepted: 'accepted, waiting for the answer',
  declined: 'declined',
  provided: 'answered',
  closed: 'closed',
  withdrawn: 'withdrawn',
};

const subjectOf = (r: InformationRequestView) => r.subject.reference;
const shownState = (r: InformationRequestView) => `${r.state}${r.overdue ? ' (overdue)' : ''}`;

/** `requests list`: asked of your agency and by you, overdue first (nothing decrypted: see `show`). */
export async function listRequests(
  ctx: CliContext,
  s: SecureSession,
  o: { box?: string; state?: string },
): Promise<void> {
  const box = o.box === undefined ? undefined : oneOf<InformationRequestBox>(INFORMATION_REQUEST_BOXES, o.box, '--box');
  const state =
    o.state === undefined ? undefined : oneOf<InformationRequestState>(INFORMATION_REQUEST_STATES, o.state, '--state');
  const rows = await s.client.informationRequests({ box, state });
  ctx.print(rows, () =>
    table(
      rows.map((r) => ({
        id: r.id.slice(0, 8),
        about: subjectOf(r),
        with:
          r.yourPart === 'requester'
            ? `to ${r.toAgency.name}`
            : `from ${r.requestedBy.displayName} (${r.requestedBy.agencyName})`,
        state: shownState(r),
        due: r.dueAt,
        assignee: r.assignee?.displayName ?? '',
      })),
      [
        ['id', 'ID'],
        ['about', 'ABOUT'],
        ['with', 'ASKED'],
        ['state', 'STATE'],
        ['due', 'DUE'],
        ['assignee', 'ASSIGNED TO'],
      ],
    ),
  );
}

/** Opens what this device can; an unreadable part is said to be so rather than failing the command. */
async function opened(s: SecureSession, r: InformationRequestView): Promise<OpenedInformationRequest | null> {
  try {
    return await s.openInformationRequest(r);
  } catch (err) {
    if (err instanceof UnableToDecryptError) return null;
    throw err;
  }
}

/**
 * `requests show`: the request with its question and answer decrypted here, and what you may do now. A
 * refusal's reason that does not hold up is shown with a warning, and the exit code is 6.
 */
export async function showRequest(
  ctx: CliContext,
  s: SecureSession,
  _o: unknown,
  which: string,
): Promise<number | void> {
  const r = await s.client.informationRequest(await resolveRequest(s, which));
  const o = await opened(s, r);
  const warning = o?.decline?.warning ?? null;
  ctx.print({ ...r, opened: o }, () => {
    const unreadable = '(this device cannot decrypt it)';
    let out = fields([
      ['Request', r.id],
      ['About', subjectOf(r)],
      ['Asked of', r.toAgency.name],
      ['Asked by', `${r.requestedBy.displayName} (${r.requestedBy.agencyName})`],
      ['Assigned to', r.assignee?.displayName],
      ['State', `${STATE_WORDS[r.state]}${r.overdue ? ' — OVERDUE' : ''}`],
      ['Due', r.dueAt],
      ['Question', o ? o.question.question : unreadable],
      ['Why', o ? o.question.why : unreadable],
      ...(r.response ? [['Answer', o?.response ? o.response.text : unreadable] as [string, unknown]] : []),
      ...(r.decline ? [['Declined because', o?.decline ? o.decline.text : unreadable] as [string, unknown]] : []),
      ...(r.answeredBy ? [['Answered by', `${r.answeredBy.displayName} at ${r.answeredAt}`] as [string, unknown]] : []),
      ['You may', r.actions.length ? r.actions.join(', ') : 'nothing more'],
    ]);
    const files = o?.response?.files ?? [];
    if (files.length) out += fileListing(files, `strongroom requests download ${r.id.slice(0, 8)}`) + '\n';
    if (warning) out += `Warning: ${warning}\n`;
    return out;
  });
  if (warning) {
    if (ctx.json) ctx.io.err(`Warning: ${warning}\n`);
    return EXIT_UNVERIFIED;
  }
}

/** `requests download`: a file sent with the answer, by its number in `requests show` or its name. */
export async function downloadRequestFile(
  ctx: CliContext,
  s: SecureSession,
  o: DownloadOpts,
  which: string,
  file: string,
): Promise<number | void> {
  const r = await s.client.informationRequest(await resolveRequest(s, which));
  if (!r.response) throw new CliUsageError('The request has no answer yet, so no files.');
  const o2 = await opened(s, r);
  if (!o2?.response) throw new CliUsageError('This device cannot decrypt the answer, so it cannot open its files.');
  return saveFile(ctx, s, o, chosenFile(o2.response.files ?? [], file, 'The answer'));
}
