import { readFile } from 'node:fs/promises';
import type { SealedDocuments, SealedPurpose, TextDocument } from '../../contracts/sealed.js';
import type { FamilyView, FieldBinding, SecureSession } from '../sdk/node.js';
import { CliUsageError, type CliContext } from './context.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID (an id given on the command line rather than a name). */
export const isId = (s: string) => UUID.test(s);

/** Runs `fn` with this device's keys unlocked, and closes the session (and its socket) after. */
export async function withSession<T>(ctx: CliContext, fn: (s: SecureSession) => Promise<T>): Promise<T> {
  const session = await ctx.secureSession();
  try {
    return await fn(session);
  } finally {
    session.close();
  }
}

/** A command handler that works with this device's keys unlocked: (ctx, session, options, ...arguments). */
export type SecureHandler<O, A extends unknown[]> = (
  ctx: CliContext,
  s: SecureSession,
  opts: O,
  ...args: A
) => Promise<void | number>;

/** Adapts a secure handler to `action`: unlocks the keys before it runs and closes the session after. */
export function secured<O, A extends unknown[]>(handler: SecureHandler<O, A>) {
  return (ctx: CliContext, opts: O, ...args: A): Promise<void | number> =>
    withSession(ctx, (s) => handler(ctx, s, opts, ...args));
}

/** A person named by user id or by work e-mail address. */
export async function resolveUser(session: SecureSession, who: string): Promise<string> {
  if (isId(who)) return who;
  if (!who.includes('@')) throw new CliUsageError(`"${who}" is neither a user id nor an e-mail address.`);
  return (await session.client.lookupUser(who)).id;
}

/** A family named by id or by its reference (EH-2026-0042). */
export async function resolveFamily(s: Pick<SecureSession, 'client'>, which: string): Promise<FamilyView> {
  if (isId(which)) return s.client.family(which);
  const found = await familyByRef(s, which);
  if (!found) throw new CliUsageError(`No family "${which}" among yours: give its id or reference (EH-…).`);
  return s.client.family(found.id);
}

/** One of your families by its reference, case-insensitive; undefined when none has it. */
const familyByRef = async (s: Pick<SecureSession, 'client'>, ref: string) =>
  (await s.client.families()).find((f) => f.ref.toLowerCase() === ref.trim().toLowerCase());

/** A family member named by id or by member reference (EH-2026-0042-M1, or just M1). */
export function resolveMember(family: FamilyView, which: string): FamilyView['members'][number] {
  const w = which.toLowerCase();
  const found = family.members.find(
    (m) => m.id === which || m.ref.toLowerCase() === w || m.ref.toLowerCase().endsWith(`-${w}`),
  );
  if (!found) throw new CliUsageError(`${family.ref} has no member "${which}".`);
  return found;
}

export function date(value: string | undefined, flag: string, fallback?: string): string {
  const v = value ?? fallback;
  if (!v || !DATE.test(v)) throw new CliUsageError(`${flag} takes a date as YYYY-MM-DD.`);
  return v;
}

export const todayIso = () => new Date().toISOString().slice(0, 10);

/** A channel named by id, or a family's channel by the family's reference. */
export async function resolveChannel(s: Pick<SecureSession, 'client'>, which: string): Promise<string> {
  if (isId(which)) return which;
  const found = await familyByRef(s, which);
  if (!found) {
    throw new CliUsageError(
      `"${which}" is neither a channel id (see \`strongroom channels list\`) nor the reference of one of your families (EH-…).`,
    );
  }
  return found.channelId;
}

/** One of `list` named by its id or by the first characters of it, as the CLI's tables show them. */
async function byIdPrefix(
  which: string,
  noun: string,
  list: () => Promise<{ id: string }[]>,
  seeAlso: string,
): Promise<string> {
  if (isId(which)) return which;
  if (which.length < 4) throw new CliUsageError(`Give ${noun} id, or at least its first 4 characters.`);
  const found = (await list()).filter((x) => x.id.startsWith(which.toLowerCase()));
  if (found.length === 1) return found[0].id;
  throw new CliUsageError(
    found.length
      ? `"${which}" matches ${found.length} of yours: give more of the id.`
      : `Nothing of yours has an id starting "${which}": see \`strongroom ${seeAlso}\`, or give the whole id.`,
  );
}

/** A meeting you are invited to, by id or its first characters (as `meetings list` shows them). */
export const resolveMeeting = (s: SecureSession, which: string) =>
  byIdPrefix(which, 'a meeting', () => s.client.meetings(), 'meetings list');

/** An action by id, or one of yours by its first characters (as `actions mine` shows them). */
export const resolveAction = (s: SecureSession, which: string) =>
  byIdPrefix(which, 'an action', () => s.client.myActions(), 'actions mine');

/** An information request by id, or one of yours (asked by you or of your agency) by its first characters. */
export const resolveRequest = (s: SecureSession, which: string) =>
  byIdPrefix(which, 'a request', () => s.client.informationRequests(), 'requests list');

/** The sealed-field purposes whose document is exactly a `TextDocument` (`{ text }`). */
export type TextPurpose = {
  [P in SealedPurpose]: [SealedDocuments[P]] extends [TextDocument]
    ? [TextDocument] extends [SealedDocuments[P]]
      ? P
      : never
    : never;
}[SealedPurpose];

/** Opens a sealed `{ text }` field; an unreadable one is shown as such rather than failing the command. */
export async function openText(
  s: SecureSession,
  channelId: string,
  purpose: TextPurpose,
  sealed: { epoch: number; ciphertext: string } | null,
  at: FieldBinding,
): Promise<string> {
  if (!sealed) return '';
  try {
    // Read defensively: a document written by another client may not be the shape the registry says.
    const v: { text?: unknown } | null = await s.openField(channelId, purpose, sealed, at);
    return typeof v?.text === 'string' ? v.text : JSON.stringify(v);
  } catch {
    return '(unable to decrypt)';
  }
}

/** A JSON document from a file, or from standard input for `-`. */
export async function readJsonFile(ctx: CliContext, file: string): Promise<unknown> {
  const text = file === '-' ? await ctx.io.readStdin() : await readFile(file, 'utf8').catch(() => null);
  if (text === null) throw new CliUsageError(`Cannot read ${file}.`);
  try {
    return JSON.parse(text);
  } catch {
    throw new CliUsageError(`${file === '-' ? 'Standard input' : file} is not valid JSON.`);
  }
}

/** Maps one after another (decrypting pins device keys on first sight; one at a time keeps that orderly). */
export async function mapInOrder<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}

/** People's names for the user ids a table shows, from the members of the channels involved. */
export class Names {
  private readonly byId = new Map<string, string>();
  private readonly loaded = new Set<string>();

  constructor(private readonly s: SecureSession) {}

  /** Learns the names of a channel's members (once per channel). */
  async load(channelId: string): Promise<this> {
    if (this.loaded.has(channelId)) return this;
    this.loaded.add(channelId);
    for (const m of (await this.s.client.channel(channelId)).members) {
      this.byId.set(m.userId, `${m.displayName} (${m.agencyName})`);
    }
    return this;
  }

  /** "you", a name with its agency, or the id of someone no longer in the channel. */
  of(userId: string | null): string {
    if (!userId) return '-';
    return userId === this.s.userId ? 'you' : (this.byId.get(userId) ?? userId);
  }
}
