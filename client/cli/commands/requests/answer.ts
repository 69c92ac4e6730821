import {
  characterCount,
  DECLINE_EXPLANATION_MIN_CHARACTERS,
  DECLINE_EXPLANATION_REFUSAL,
  explanationTooShort,
  type InformationRequestView,
  type SecureSession,
} from '../../../sdk/node.js';
import { CliUsageError, type CliContext } from '../../context.js';
import { fileAt, progressLines } from '../channels/files.js';
import { STATE_WORDS } from './show.js';
import { resolveRequest, resolveUser } from '../../secure.js';

/** `requests accept`: the agency will answer. */
export async function acceptRequest(ctx: CliContext, s: SecureSession, _o: unknown, which: string): Promise<void> {
  const r = await s.client.acceptInformationRequest(await resolveRequest(s, which));
  const id = r.id.slice(0, 8);
  ctx.print(
    r,
    `Accepted request ${id} from ${r.requestedBy.agencyName}, due ${r.dueAt}.\n` +
      `Answer with \`strongroom requests provide ${id} --text "…"\`, or decline with \`--reason "…"\`.\n`,
  );
}

/** `requests assign`: an agency admin gives the request to someone of the agency, who is given its key. */
export async function assignRequest(
  ctx: CliContext,
  s: SecureSession,
  _o: unknown,
  which: string,
  who: string,
): Promise<void> {
  const request = await s.client.informationRequest(await resolveRequest(s, which));
  const userId = await resolveUser(s, who);
  const { request: r, keysShared, refused } = await s.assignInformationRequest(request, userId);
  const name = r.assignee?.displayName ?? who;
  const giveLater = `  strongroom channels share-record ${r.channelId} ${who}\n`;
  ctx.print(
    { ...r, keysShared, refused },
    keysShared > 0
      ? `Assigned to ${name}: they can read the question and answer it.\n`
      : refused
        ? `Assigned to ${name}, but this computer did not give them the key: ${refused}\nOnce that is put right:\n${giveLater}`
        : `Assigned to ${name}, who has no device yet: once they have, give them the key with\n${giveLater}`,
  );
}

/** `requests provide`: the answer, encrypted here; a request not yet accepted is accepted first. */
export async function provideRequest(
  ctx: CliContext,
  s: SecureSession,
  o: { text: string; attach?: string[]; quiet?: boolean },
  which: string,
): Promise<void> {
  if (!o.text.trim()) throw new CliUsageError('--text is empty: write what your agency holds.');
  // Every file is found before anything is sent or accepted.
  const files = await Promise.all((o.attach ?? []).map((f) => fileAt(f)));
  let request = await s.client.informationRequest(await resolveRequest(s, which));
  const accepted = request.state === 'requested' && request.actions.includes('accept');
  if (accepted) request = await s.client.acceptInformationRequest(request.id);
  // Before any file is uploaded: a run again after a lost answer must not leave a second copy of each file.
  if (!request.actions.includes('provide')) {
    throw new CliUsageError(
      `You cannot answer request ${request.id.slice(0, 8)} now: it is ${STATE_WORDS[request.state]}` +
        (request.state === 'provided' ? ' (see it with `strongroom requests show`).' : '.'),
    );
  }
  const progress = files.map((f) => progressLines(ctx, 'Uploading', f.name, o.quiet));
  const r = await s.provideInformation(
    request,
    { text: o.text.trim() },
    { files, onProgress: (i, p) => progress[i]?.(p) },
  );
  const sent = files.length ? ` and ${files.length === 1 ? 'the file' : `the ${files.length} files`}` : '';
  ctx.print(
    r,
    `${accepted ? 'Accepted and answered' : 'Answered'}: ${r.requestedBy.displayName} (${r.requestedBy.agencyName}) can read what you sent${sent}.\n`,
  );
}

/** `requests decline`: a refusal with its reason, which must be at least a sentence (checked here first). */
export async function declineRequest(
  ctx: CliContext,
  s: SecureSession,
  o: { reason: string },
  which: string,
): Promise<void> {
  const reason = o.reason.trim();
  if (explanationTooShort(reason)) {
    throw new CliUsageError(
      `${DECLINE_EXPLANATION_REFUSAL} Yours has ${characterCount(reason)}.\n` +
        `The asker reads it (ISA 3.3.10): say what your agency will not share and why, for example\n` +
        `  --reason "We hold records but cannot share them without a court order."`,
    );
  }
  const request: InformationRequestView = await s.client.informationRequest(await resolveRequest(s, which));
  const r = await s.declineInformationRequest(request, reason);
  ctx.print(
    r,
    `Declined request ${r.id.slice(0, 8)}: ${r.requestedBy.displayName} (${r.requestedBy.agencyName}) reads your reason ` +
      `(${characterCount(reason)} characters, at least ${DECLINE_EXPLANATION_MIN_CHARACTERS} needed).\n`,
  );
}
