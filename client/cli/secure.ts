import { readFile } from 'node:fs/promises';
import type { SealedDocuments, SealedPurpose, TextDocument } from '../../contracts/sealed.js';
import { USER_SEARCH_MIN_CHARS } from '../../contracts/identity.js';
import {
  StrongroomApiError,
  type ChannelSummary,
  type FamilyView,
  type FieldBinding,
  type SecureSession,
  type StrongroomClient,
} from '../sdk/node.js';
import { CliUsageError, type CliContext } from './context.js';
import { choose, ID_PREFIX_MIN, isId, type NameKind, type Named } from './names.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export { isId };

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

/** Anything that can reach the server; a secure session can also decrypt channel titles. */
type Reach = Pick<SecureSession, 'client'>;

const PEOPLE: NameKind = {
  noun: 'person',
  plural: 'people',
  namedBy: 'their work e-mail address, or their name',
  list: 'users search <name>',
};

/**
 * A person by user id, work e-mail address, or name (as `users search` finds colleagues), which must
 * then be one person's: two people of the same name are listed to choose from.
 */
export async function resolveUser(s: Reach, who: string): Promise<string> {
  const w = who.trim();
  if (isId(w)) return w;
  if (w.includes('@')) return (await s.client.lookupUser(w)).id;
  const found = w.length >= USER_SEARCH_MIN_CHARS ? await s.client.searchUsers(w) : [];
  return choose(
    w,
    found.map((u) => ({ id: u.id, label: `${u.displayName} (${u.agencyName})`, names: [u.displayName] })),
    PEOPLE,
  );
}

/**
 * An account, as an administrator names it: by id, e-mail address, name, or the first characters of its
 * id, among the accounts `users list` shows them (agency admins: their own agency's).
 */
export async function resolveAccount(client: StrongroomClient, who: string): Promise<string> {
  if (isId(who)) return who.trim();
  const all = await client.users();
  return choose(
    who,
    all.map((u) => ({
      id: u.id,
      label: `${u.displayName} <${u.email}> (${u.role}, ${u.status})`,
      names: [u.email, u.displayName],
    })),
    { ...PEOPLE, noun: 'account', plural: 'accounts', list: 'users list' },
  );
}

/** A family named by id or by its reference (EH-2026-0042). */
export async function resolveFamily(s: Reach, which: string): Promise<FamilyView> {
  if (isId(which)) return s.client.family(which.trim());
  const id = choose(
    which,
    (await s.client.families()).map((f) => ({ id: f.id, label: f.ref, names: [f.ref] })),
    { noun: 'family', plural: 'families', namedBy: 'its reference (EH-…)', list: 'families list' },
  );
  return s.client.family(id);
}

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

/** A channel's title decrypted here; null without one, or for a session that holds no keys. */
const titleOf = (s: Reach & Partial<Pick<SecureSession, 'title'>>, c: ChannelSummary, unreadable: string | null) =>
  c.title && s.title ? s.title(c.id).catch(() => unreadable) : Promise.resolve(null);

/** What a listing calls a channel: its title, or for a direct one whom it is with; `-` for neither. */
const nameFrom = (title: string | null, c: ChannelSummary) =>
  [title, c.directWith && `with ${c.directWith.displayName} (${c.directWith.agencyName})`].filter(Boolean).join(', ') ||
  '-';

/** What a person calls a channel: its title (decrypted here), or for a direct one whom it is with. */
export const channelName = async (s: SecureSession, c: ChannelSummary): Promise<string> =>
  nameFrom(await titleOf(s, c, '(unreadable)'), c);

/** The families this person may list; none for someone who may not list families (an auditor, say). */
export const familiesIfAllowed = (s: Reach) =>
  s.client.families().catch((err: unknown) => {
    if (err instanceof StrongroomApiError && err.status === 403) return [];
    throw err;
  });

/**
 * A channel named by id, the first characters of its id, its title (decrypted here, so only with a
 * session that holds keys), the name of the other person of a direct channel, or a family's reference
 * for the family's channel.
 */
export async function resolveChannel(s: Reach & Partial<Pick<SecureSession, 'title'>>, which: string): Promise<string> {
  if (isId(which)) return which.trim();
  const [channels, families] = await Promise.all([s.client.channels(), familiesIfAllowed(s)]);
  const candidates: Named[] = [];
  for (const c of channels) {
    const title = await titleOf(s, c, null);
    const refs = families.filter((f) => f.channelId === c.id).map((f) => f.ref);
    candidates.push({
      id: c.id,
      label: `${nameFrom(title, c).replace(/^-$/, refs.join(', ') || '(no title)')} (${c.kind.replace(/_/g, ' ')})`,
      names: [title, c.directWith?.displayName, ...refs],
    });
  }
  return choose(which, candidates, {
    noun: 'channel',
    namedBy: `its title, its id (or the first characters of it), the other person of a direct one, or a family's reference (EH-…)`,
    list: 'channels list',
  });
}

/** One of `list` named by its id or the first characters of it, as the CLI's tables show them. */
async function byIdPrefix<T extends { id: string }>(
  which: string,
  kind: Omit<NameKind, 'namedBy'>,
  list: () => Promise<T[]>,
  label: (x: T) => string,
): Promise<string> {
  if (isId(which)) return which.trim();
  if (which.trim().length < ID_PREFIX_MIN) {
    throw new CliUsageError(`Give the ${kind.noun}'s id, or at least its first ${ID_PREFIX_MIN} characters.`);
  }
  const all = await list();
  return choose(
    which,
    all.map((x) => ({ id: x.id, label: label(x), names: [] })),
    { ...kind, namedBy: 'its id, or the first characters of it' },
  );
}

const when = (iso: string) => iso.replace('T', ' ').slice(0, 16);

/** A meeting you are invited to, by id or its first characters (as `meetings list` shows them). */
export const resolveMeeting = (s: SecureSession, which: string) =>
  byIdPrefix(
    which,
    { noun: 'meeting', list: 'meetings list' },
    () => s.client.meetings(),
    (m) => `${m.kind.replace(/_/g, ' ')} meeting at ${when(m.scheduledAt)} (${m.status})`,
  );

/** An action by id, or one of yours by its first characters (as `actions mine` shows them). */
export const resolveAction = (s: SecureSession, which: string) =>
  byIdPrefix(
    which,
    { noun: 'action', list: 'actions mine' },
    () => s.client.myActions(),
    (a) => `due ${a.dueOn} (${a.status.replace(/_/g, ' ')})`,
  );

/** An information request by id, or one of yours (asked by you or of your agency) by its first characters. */
export const resolveRequest = (s: SecureSession, which: string) =>
  byIdPrefix(
    which,
    { noun: 'request', list: 'requests list' },
    () => s.client.informationRequests(),
    (r) => `to ${r.toAgency.name}, due ${when(r.dueAt)} (${r.state})`,
  );

/** One of your sessions by id or its first characters, as `sessions list` shows them. */
export const resolveSession = (client: StrongroomClient, which: string) =>
  byIdPrefix(
    which,
    { noun: 'session', list: 'sessions list' },
    () => client.sessions(),
    (x) => `signed in ${when(x.createdAt)} from ${x.ip ?? 'an unknown address'}${x.current ? ' (this one)' : ''}`,
  );

/** One of your devices by id, the first characters of it, or its label, as `device list` shows them. */
export async function resolveDevice(client: StrongroomClient, which: string): Promise<string> {
  if (isId(which)) return which.trim();
  const devices = (await client.myDevices()).filter((d) => !d.revokedAt);
  return choose(
    which,
    devices.map((d) => ({ id: d.id, label: `${d.label} (registered ${when(d.createdAt)})`, names: [d.label] })),
    { noun: 'device', namedBy: 'its label or its id (or the first characters of it)', list: 'device list' },
  );
}

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

/** The text of a file, or of standard input for `-`. */
export async function readTextFile(ctx: CliContext, file: string): Promise<string> {
  const text = file === '-' ? await ctx.io.readStdin() : await readFile(file, 'utf8').catch(() => null);
  if (text === null) throw new CliUsageError(`Cannot read ${file}.`);
  return text;
}

/** A JSON document from a file, or from standard input for `-`. */
export async function readJsonFile(ctx: CliContext, file: string): Promise<unknown> {
  return parseJson(file, await readTextFile(ctx, file));
}

/** `text` (read from `file`) as JSON, or a plain refusal. */
export function parseJson(file: string, text: string): unknown {
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
