import {
  completeApproval,
  deviceCode,
  enrolFirstDevice,
  recoverWaitingDevice,
  requestDevice,
  safetyNumber,
  SecureSession,
  StrongroomApiError,
  StrongroomClient,
  WrongPassphraseError,
  type KeyStore,
  type MeView,
  type StoredDevice,
  type TrustStore,
  IndexedDbKeyStore,
  IndexedDbTrustStore,
  isTrustRefusal,
} from '../../../sdk/browser.js';
import { navigate } from '../router.js';
import { Inbox } from './inbox.js';
import { Observable } from './observable.js';
import { describeUserAgent } from './user-agent.js';
import { plainWarning, trustRefusalWords } from './trust-words.js';

/** Where a visit stands: what the page shows before (and instead of) the working screens. */
export type Phase =
  | { kind: 'starting' }
  | { kind: 'signed-out'; notice?: string }
  /** Signed in, but their role needs an authenticator app and they have none yet. */
  | { kind: 'mfa' }
  | { kind: 'attest' }
  /** Signed in; this browser's keys are locked (or not made yet): the person unlocks or sets them up. */
  | { kind: 'keys' }
  | { kind: 'ready' };

/** A notification shown in the page (and, if allowed, by the browser with content-free text). */
export interface Notice {
  id: number;
  text: string;
  href?: string;
}

/** How the live connection is: `offline` shows a banner until it is back. */
export type Connection = 'connecting' | 'online' | 'offline';

/** Minutes without a key press, click or touch after which the keys are locked (held in memory only). */
export const LOCK_AFTER_MINUTES = 15;

/**
 * The visit: who is signed in, this browser's device keys once unlocked, and the live connection.
 * Private keys exist in memory only between `unlock` and `lock`; on disk (IndexedDB) they are
 * encrypted under the person's passphrase. The session itself is an httpOnly cookie the page cannot
 * read; the page holds only its CSRF token, in memory.
 */
export class App {
  readonly phase = new Observable<Phase>({ kind: 'starting' });
  readonly me = new Observable<MeView | null>(null);
  readonly connection = new Observable<Connection>('connecting');
  readonly notices = new Observable<Notice[]>([]);
  /** Bumped whenever something another screen shows may have changed (membership, a channel's list). */
  readonly changes = new Observable<number>(0);
  /**
   * Bumped whenever whom this browser trusts may have changed: the SDK refused someone (a changed
   * identity, a device not approved) or the person accepted someone's safety number. Screens that show
   * safety numbers or who can read what look again.
   */
  readonly trust = new Observable<number>(0);
  /** People's names by user id, as the screens met them: the SDK's warnings name people by id only. */
  readonly people = new Map<string, string>();

  readonly client = new StrongroomClient(location.origin, null, {
    session: 'cookie',
    // The server was upgraded while this page was open: the page is the old version until reloaded.
    onNewerServer: () =>
      this.notify('Strongroom has been updated on the server. Reload this page to use the new version.'),
  });
  readonly keyStore: KeyStore = new IndexedDbKeyStore(location.origin);
  private trustStore: TrustStore | undefined;
  private session: SecureSession | null = null;
  private inboxNow: Inbox | null = null;
  private stopLive: (() => void)[] = [];
  private lockTimer: ReturnType<typeof setTimeout> | undefined;
  private noticeId = 0;

  /** The unlocked session: only the ready screens use it, and they exist only while it does. */
  get secure(): SecureSession {
    if (!this.session) throw new Error('The keys are locked.');
    return this.session;
  }

  /** The channel list and its unread counts, live while the keys are unlocked. */
  get inbox(): Inbox {
    if (!this.inboxNow) throw new Error('The keys are locked.');
    return this.inboxNow;
  }

  get user() {
    const me = this.me.value;
    if (!me) throw new Error('Not signed in.');
    return me.user;
  }

  /** On page load: picks up the session cookie if it is still good. */
  async start(): Promise<void> {
    try {
      if (!(await this.client.resumeCookieSession())) return this.phase.set({ kind: 'signed-out' });
      await this.afterSignIn();
    } catch (err) {
      this.phase.set({ kind: 'signed-out', notice: messageOf(err) });
    }
  }

  async signIn(email: string, password: string, second: { totp?: string; recoveryCode?: string } = {}): Promise<void> {
    await this.client.loginWithCookie({ email, password, ...second });
    await this.afterSignIn();
  }

  private async afterSignIn(): Promise<void> {
    const me = await this.client.me();
    this.me.set(me);
    if (me.session.stage === 'mfa_enrolment') return this.phase.set({ kind: 'mfa' });
    this.phase.set(me.attestation.required ? { kind: 'attest' } : { kind: 'keys' });
  }

  /** Two-factor sign-in is on: the session may now do everything the role allows. */
  afterMfa(): Promise<void> {
    return this.afterSignIn();
  }

  async attest(): Promise<void> {
    const me = this.me.value;
    if (!me?.attestation.agreementVersionId) throw new Error('There is no agreement to confirm yet.');
    await this.client.attest(me.attestation.agreementVersionId);
    await this.afterSignIn();
  }

  /** True when this browser holds keys for the signed-in person (locked or not). */
  hasDevice(): Promise<boolean> {
    return this.keyStore.exists(this.user.id);
  }

  /** Opens this browser's keys with the passphrase. Null when ready; else the device's approval code to show. */
  async unlock(passphrase: string): Promise<{ waiting: string } | null> {
    const stored = await this.keyStore.load(this.user.id, passphrase);
    return this.useDevice(stored, passphrase);
  }

  /** A person's first device anywhere: makes their identity key. Returns the recovery key to show once. */
  async setUpFirstDevice(passphrase: string): Promise<string> {
    const first = await enrolFirstDevice(this.client, browserLabel());
    await this.keyStore.save(first.stored, passphrase);
    this.pendingReady = () => this.useDevice(first.stored, passphrase);
    return first.recoveryKey;
  }

  /** After the recovery key was shown and the person confirmed they kept it. */
  pendingReady: (() => Promise<unknown>) | null = null;

  /** A further device: registered and waiting; returns the code the person checks on their other device. */
  async requestApproval(passphrase: string): Promise<string> {
    const waiting = await requestDevice(this.client, browserLabel());
    await this.keyStore.save(waiting.stored, passphrase);
    return waiting.code;
  }

  /** The waiting device, approved here with the recovery key. */
  async approveWithRecoveryKey(passphrase: string, recoveryKey: string): Promise<void> {
    const stored = await this.keyStore.load(this.user.id, passphrase);
    const approved = await recoverWaitingDevice(this.client, stored, recoveryKey);
    await this.keyStore.save(approved.stored, passphrase);
    await this.useDevice(approved.stored, passphrase);
  }

  /** Checks whether the waiting device was approved from another device; ready if so. */
  async checkApproval(passphrase: string): Promise<boolean> {
    const stored = await this.keyStore.load(this.user.id, passphrase);
    return (await this.useDevice(stored, passphrase)) === null;
  }

  /** This person's safety number, from the identity key this browser holds (never the server's word). */
  async mySafetyNumber(): Promise<string | null> {
    const key = await this.keyStore.publicIdentity(this.user.id);
    return key ? safetyNumber(key) : null;
  }

  private async useDevice(stored: StoredDevice, passphrase: string): Promise<{ waiting: string } | null> {
    let device = stored;
    if (!device.identity) {
      const approved = await completeApproval(this.client, device);
      if (!approved) return { waiting: await deviceCode(device.keys.x25519.publicKey, device.keys.ed25519.publicKey) };
      await this.keyStore.save(approved, passphrase);
      device = approved;
    }
    this.trustStore ??= new IndexedDbTrustStore(location.origin, this.user.id);
    const secure = new SecureSession(this.client, device, this.trustStore);
    secure.onWarning((text) => this.warned(text));
    this.session = secure;
    await this.goLive(secure);
    this.armLock();
    this.phase.set({ kind: 'ready' });
    return null;
  }

  private async goLive(secure: SecureSession): Promise<void> {
    this.connection.set('connecting');
    const rt = await secure.connect();
    this.connection.set(rt.connected ? 'online' : 'connecting');
    this.inboxNow = new Inbox(
      secure,
      (text, href, browserText) => this.notify(text, href, browserText),
      (err) => this.failed(err),
    );
    this.inboxNow.listen(rt);
    this.stopLive = [
      rt.onConnect(() => this.connection.set('online')),
      rt.onDisconnect(() => this.connection.set('offline')),
      rt.on('session.revoked', ({ reason }) => void this.signedOutElsewhere(reason)),
      rt.on('member.added', () => this.changed()),
      rt.on('member.removed', () => this.changed()),
      rt.on('connection.closing', () => this.connection.set('offline')),
    ];
  }

  /** Tells every screen that shared lists may have changed (they fetch again). */
  changed(): void {
    this.changes.update((n) => n + 1);
  }

  /** Whom this browser trusts may have changed: screens showing it look again. */
  trustChanged(): void {
    this.trust.update((n) => n + 1);
  }

  /** Remembers who is who, so a warning about someone names them. */
  meet(people: readonly { userId: string; displayName: string }[]): void {
    for (const p of people) this.people.set(p.userId, p.displayName);
  }

  /**
   * A refusal the SDK made while working (someone's identity changed, a device left out of a new key, a
   * key refused): said in plain words with the person's name, once while it is on screen, and every
   * screen that shows trust looks again.
   */
  private warned(text: string): void {
    const plain = plainWarning(text, (id) => this.people.get(id));
    if (!this.notices.value.some((n) => n.text === plain)) this.notify(plain);
    this.trustChanged();
  }

  /** Keys leave memory; the session stays. After inactivity, or when the person asks. */
  lock(): void {
    this.dropKeys();
    if (this.me.value) this.phase.set({ kind: 'keys' });
  }

  private dropKeys(): void {
    for (const stop of this.stopLive) stop();
    this.stopLive = [];
    this.inboxNow?.stop();
    this.inboxNow = null;
    this.session?.close();
    this.session = null;
    this.pendingReady = null;
    clearTimeout(this.lockTimer);
  }

  /** Any key press, click or touch moves the lock on. */
  activity(): void {
    if (this.session) this.armLock();
  }

  private armLock(): void {
    clearTimeout(this.lockTimer);
    this.lockTimer = setTimeout(() => this.lock(), LOCK_AFTER_MINUTES * 60_000);
  }

  /**
   * Signs out here whatever happens; if the server could not be told, the person is told so, since the
   * session (and the cookie the page cannot clear itself) would otherwise outlive the page's keys.
   */
  async signOut(): Promise<void> {
    let notice = 'You have signed out.';
    try {
      await this.client.logout();
    } catch {
      notice =
        'You have signed out of this page, but the server could not be reached to end the session. ' +
        'When you are back online, sign in and out again, or end it under Sign-in sessions on another device.';
    }
    this.signedOut(notice);
  }

  /** The session ended elsewhere (revoked, expired, signed out everywhere): out at once, with why. */
  signedOutElsewhere(reason: string): void {
    this.signedOut(`You have been signed out: ${SIGNED_OUT[reason] ?? 'your session has ended.'}`);
  }

  private signedOut(notice: string): void {
    this.dropKeys();
    this.client.http.csrfToken = null;
    this.me.set(null);
    this.trustStore = undefined;
    this.people.clear();
    this.notices.set([]);
    navigate('/', { replace: true });
    this.phase.set({ kind: 'signed-out', notice });
  }

  /** A notice in the page; the browser's own notification too (content-free) when allowed and hidden. */
  notify(text: string, href?: string, browserText?: string): void {
    const notice = { id: ++this.noticeId, text, href };
    this.notices.update((list) => [...list.slice(-4), notice]);
    if (browserText && document.hidden && 'Notification' in window && Notification.permission === 'granted') {
      new Notification('Strongroom', { body: browserText, tag: 'strongroom' });
    }
  }

  dismiss(id: number): void {
    this.notices.update((list) => list.filter((n) => n.id !== id));
  }

  /**
   * A refusal that means the session is over (401) signs the page out; anything else is for the
   * screen to show. Every screen's failure goes through here.
   */
  failed(err: unknown): string {
    if (err instanceof StrongroomApiError && err.status === 401 && this.me.value) {
      this.signedOutElsewhere(err.code);
    }
    return messageOf(err);
  }
}

/** Why a session ended, as the server names it (`session.revoked`, or a 401's code), in plain words. */
const SIGNED_OUT: Record<string, string> = {
  logout: 'you signed out in another tab or window.',
  logout_everywhere: 'you signed out everywhere, from this or another device.',
  revoked_by_user: 'this sign-in was ended from one of your devices.',
  user_disabled: 'your account has been disabled. Ask your agency’s administrator if this is unexpected.',
  account_disabled: 'your account has been disabled. Ask your agency’s administrator if this is unexpected.',
  session_expired: 'your session ended, after a time without use or at its time limit. Sign in again.',
  invalid_session: 'this sign-in is no longer valid. Sign in again.',
  unauthenticated: 'this sign-in is no longer valid. Sign in again.',
  agency_withdrawn: 'your agency is no longer part of the Information Sharing Agreement.',
  agency_not_signed: 'your agency is not currently part of the Information Sharing Agreement.',
  attestation_required: 'a new version of the agreement needs your confirmation. Sign in again to see it.',
};

/** The text a person reads for a failure: the server's own words (plain by rule), or ours. */
export function messageOf(err: unknown): string {
  if (err instanceof StrongroomApiError) return err.message;
  if (isTrustRefusal(err)) return trustRefusalWords(err, (id) => app.people.get(id));
  if (err instanceof Error && err.name === 'StrongroomNetworkError') {
    return 'The server cannot be reached. Check your connection and try again.';
  }
  if (err instanceof WrongPassphraseError) return 'That passphrase does not open the keys in this browser. Try again.';
  return err instanceof Error ? err.message : String(err);
}

/** What this browser is called in the person's device list. */
function browserLabel(): string {
  const { browser, os } = describeUserAgent(navigator.userAgent);
  return `${browser ?? 'Browser'}${os ? ` on ${os}` : ''} (web)`;
}

export const app = new App();
