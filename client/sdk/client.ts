import { AUDIT_GENESIS_HASH, checkChain, type ChainBreakReason, type ChainLink } from './crypto/audit-chain.js';
import { checkLogAgainstHead, type HeadCheckReport } from './crypto/audit-heads.js';
import { generateDeviceKeys, signDeviceProof, type DeviceKeys } from './crypto/device-keys.js';
import { HttpTransport, StrongroomApiError } from './transport/http.js';
import { Backoff, DEFAULT_RETRY, retrying } from './transport/retry.js';
import type {
  DecideReferralInput,
  ListReferralsQuery,
  RateReferralInput,
  ReferralAnswer,
  ReferralQueueView,
  ReferralReceipt,
  ReferralSettingsView,
  ReferralView,
  ShareReferralRequest,
  SubmitReferralInput,
  AgencyView,
  AgreementVersion,
  AuditEventFilters,
  AuditEventView,
  AuditEventsQuery,
  AuditVerifyReport,
  AuditHeadView,
  AuditHeadsQuery,
  AuditSigningKeyView,
  ChannelHoldView,
  ConsultationView,
  CreateSubjectAccessRequest,
  ExtendSubjectAccessRequest,
  RecordSubjectAccessExport,
  SubjectAccessExportRecordedView,
  SubjectAccessRequestView,
  SubjectAccessStatus,
  DisposalView,
  HoldView,
  ApproveGrantRequest,
  GrantView,
  GrantsQuery,
  RequestGrantRequest,
  PlaceHoldRequest,
  ReleaseHoldRequest,
  ProgrammeReport,
  ReviewReport,
  ScheduleClass,
  ScheduleView,
  AddMemberRequest,
  ChannelDevicesView,
  ChannelSummary,
  ChannelView,
  CreateChannelRequest,
  HistoryShareView,
  OpenedEpochView,
  OpenEpochInput,
  ReadPositionView,
  ShareHistoryInput,
  RecordEpochsView,
  ShareRecordKeysInput,
  ConsentInput,
  ConsentRegisterView,
  DeviceView,
  ApproveDeviceInput,
  IdentityView,
  PublishIdentityInput,
  StepUpInput,
  StepUpView,
  SignInThrottlesView,
  ClearedSignInThrottle,
  AddFamilyMemberInput,
  CreateFamilyInput,
  FamilyLocalityView,
  LocalityView,
  ExportRecordedView,
  FamilyMemberView,
  FamilySummary,
  FamilyView,
  PlanProgressInput,
  PlanProgressRecordedView,
  PlanReviewInput,
  PlanReviewView,
  PlanSavedView,
  RecordLawfulBasisInput,
  RecordNoticeInput,
  SavePlanInput,
  ActionDetailView,
  ActionView,
  AmendInput,
  AttendanceInput,
  CloseMeetingInput,
  CreateActionInput,
  EntryInput,
  MeetingEntryCreated,
  MinutesSaved,
  ReassignActionInput,
  SaveMinutesInput,
  UpdateActionInput,
  FamilyPlanView,
  MeetingSummary,
  MeetingView,
  NoticeInput,
  MinutesVersionView,
  ScheduleMeetingInput,
  EpochKeyView,
  ChainHeadView,
  MessagePage,
  SendMessageInput,
  StoredMessageView,
  CookieLoginResult,
  CurrentSessionView,
  LoginInput,
  LoginResult,
  LogoutAllResult,
  SessionKind,
  MeView,
  ActivatedUser,
  PasswordResetCompleteInput,
  PasswordResetDone,
  PasswordResetRequested,
  AttestationView,
  CreatedUser,
  CreateUserInput,
  DisabledUser,
  MfaEnabled,
  MfaEnrolment,
  PublishAgreementInput,
  RegisterAgencyInput,
  SessionView,
  SignAgencyInput,
  SignatureView,
  UserDirectoryEntry,
  UserView,
  AttachmentView,
  ChunkStoredView,
  DeclareAttachmentInput,
  AssignInformationRequestInput,
  CreateInformationRequestInput,
  DeclineInformationInput,
  InformationRequestsQuery,
  InformationRequestView,
  ProvideInformationInput,
  HandOverView,
  NotificationsRead,
  NotificationView,
  UnreadCount,
} from './types.js';

export type { LoginInput };

/** How a client is made. */
export interface ClientOptions {
  /**
   * `bearer` (the default, for Node and the CLI): the client holds the session token and sends it.
   * `cookie` (for a web page served by the Strongroom server): the browser holds the session in an
   * HttpOnly cookie that no script can read; sign in with `loginWithCookie`, or after a reload pick the
   * session up with `resumeCookieSession`. The client then holds only the session's CSRF token.
   */
  session?: SessionKind;
  /**
   * Called once, on the first answer from a server that speaks a newer API version than this client
   * (it still serves this client, but the client should be updated): the CLI prints a warning.
   */
  onNewerServer?: (serverVersion: number, clientVersion: number) => void;
  /**
   * How long one request may take, its answer included, before it is given up as unreachable (and, where
   * the SDK retries, tried again): 60 seconds unless given; 0 for no limit.
   */
  requestTimeoutMs?: number;
}

/** The refusals that mean the session itself is over (not, say, a wrong password at step-up). */
const SESSION_OVER = new Set(['unauthenticated', 'invalid_session', 'session_expired', 'account_disabled']);

/**
 * A create request whose record id the client makes: sealed fields are bound to it, so a caller that
 * seals passes the id it sealed for; one that seals nothing may leave it out and gets a fresh one.
 */
type WithId<T, K extends string = 'id'> = Omit<T, K> & { [P in K]?: string };
const newId = (): string => globalThis.crypto.randomUUID();
function withId<T extends { id?: string }>(input: T): T & { id: string } {
  return { ...input, id: input.id ?? newId() };
}

/**
 * The typed Strongroom API for Node and the browser. Holds the session token (or, in a web page's
 * cookie mode, only the session's CSRF token); does the device-key crypto locally and sends only public
 * keys and signatures.
 */
export class StrongroomClient {
  readonly http: HttpTransport;

  /**
   * `new StrongroomClient(url, token)` in Node and the CLI; in a web page served by the server,
   * `new StrongroomClient(location.origin, null, { session: 'cookie' })`.
   */
  constructor(serverUrl: string, token?: string | null, options: ClientOptions = {}) {
    this.http = new HttpTransport(serverUrl, options.session ?? 'bearer', options.requestTimeoutMs);
    if (this.http.session === 'cookie' && token) {
      throw new Error('A client with a cookie session holds no token: the browser keeps the session.');
    }
    this.http.token = token ?? null;
    this.http.onNewerServer = options.onNewerServer ?? null;
  }

  get serverUrl(): string {
    return this.http.baseUrl;
  }
  /** The bearer token; always null in cookie mode, where no script ever sees the token. */
  get token(): string | null {
    return this.http.token;
  }
  /** `bearer` or `cookie`, as the client was made. */
  get sessionKind(): SessionKind {
    return this.http.session;
  }
  /** In cookie mode, the session's CSRF token once signed in or resumed; null otherwise. */
  get csrfToken(): string | null {
    return this.http.csrfToken;
  }
  /**
   * Which session the client is signed in with, or null: the token, or in cookie mode the CSRF token
   * (derived from the session's token, so one per session). A socket opened for one session is not used
   * for another.
   */
  get sessionKey(): string | null {
    return this.http.token ?? this.http.csrfToken;
  }

  // ── health ──
  health = () => this.http.request<{ status: string }>('GET', '/health');
  ready = () => this.http.request<{ status: string }>('GET', '/ready');

  // ── sign-in and sessions ──
  /** Signs in for a bearer token (Node, the CLI). A client in cookie mode signs in with `loginWithCookie`. */
  async login(input: LoginInput): Promise<LoginResult> {
    if (this.http.session === 'cookie' || input.session === 'cookie') {
      throw new Error('This client keeps its session in a cookie: sign in with loginWithCookie().');
    }
    const result = await this.http.request<LoginResult>('POST', '/auth/login', input);
    this.http.token = result.token;
    return result;
  }
  /**
   * Signs a web page in (cookie mode): the server sets the HttpOnly session cookie, and the answer
   * carries the CSRF token, which this client keeps in memory and sends with every change. A second
   * factor goes in `totp` or `recoveryCode` as with `login`.
   */
  async loginWithCookie(input: Omit<LoginInput, 'session'>): Promise<CookieLoginResult> {
    this.needsCookieMode('loginWithCookie');
    const result = await this.http.request<CookieLoginResult>('POST', '/auth/login', { ...input, session: 'cookie' });
    this.http.csrfToken = result.csrfToken;
    return result;
  }
  /**
   * After a page reload (cookie mode): whether the browser's session cookie is still live, and if so its
   * CSRF token, which this client then uses. Null when there is no live session: show the sign-in page.
   */
  async resumeCookieSession(): Promise<CurrentSessionView | null> {
    this.needsCookieMode('resumeCookieSession');
    try {
      const current = await this.currentSession();
      this.http.csrfToken = current.csrfToken;
      return current;
    } catch (err) {
      if (err instanceof StrongroomApiError && err.status === 401 && SESSION_OVER.has(err.code)) {
        this.http.csrfToken = null;
        return null;
      }
      throw err;
    }
  }
  /** The session this client is signed in with, if it is still live (401 if not). */
  currentSession = () => this.http.request<CurrentSessionView>('GET', '/auth/session');
  async logout(): Promise<void> {
    await this.http.request('POST', '/auth/logout');
    this.http.token = null;
    this.http.csrfToken = null;
  }
  logoutEverywhere = async (): Promise<LogoutAllResult> => {
    const result = await this.http.request<LogoutAllResult>('POST', '/auth/logout-all');
    // This session ended too; a bearer client keeps its (now useless) token, as it always has.
    this.http.csrfToken = null;
    return result;
  };
  private needsCookieMode(method: string): void {
    if (this.http.session !== 'cookie') {
      throw new Error(`${method}() is for a client made with { session: 'cookie' } (a web page).`);
    }
  }
  me = () => this.http.request<MeView>('GET', '/me');
  sessions = () => this.http.request<SessionView[]>('GET', '/me/sessions');
  revokeSession = (id: string) => this.http.request<void>('DELETE', `/me/sessions/${encodeURIComponent(id)}`);
  acceptInvitation = (token: string, password: string) =>
    this.http.request<ActivatedUser>('POST', '/invitations/accept', { token, password });
  /**
   * Forgot the password: the server e-mails a single-use link if an active account has this address. The
   * answer is the same whatever the address, so it says nothing about whether an account exists.
   */
  requestPasswordReset = (email: string) =>
    this.http.request<PasswordResetRequested>('POST', '/auth/password-reset', { email });
  /** Sets a new password with the e-mailed token (and `totp` or `recoveryCode` when the account has two-factor). */
  completePasswordReset = (input: PasswordResetCompleteInput) =>
    this.http.request<PasswordResetDone>('POST', '/auth/password-reset/complete', input);

  /** Records that the user has read the agreement and sharing advice and accepts confidentiality. */
  attest = (agreementVersionId: string) =>
    this.http.request<AttestationView>('POST', '/me/attestation', {
      agreementVersionId,
      readAgreement: true,
      readSharingAdvice: true,
      acceptConfidentiality: true,
    });

  // ── MFA ──
  mfaEnrol = () => this.http.request<MfaEnrolment>('POST', '/me/mfa/enrol');
  mfaVerify = (code: string) => this.http.request<MfaEnabled>('POST', '/me/mfa/verify', { code });

  // ── agreements and agencies ──
  agreements = () => this.http.request<AgreementVersion[]>('GET', '/agreements');
  currentAgreement = () => this.http.request<AgreementVersion | null>('GET', '/agreements/current');
  publishAgreement = (input: PublishAgreementInput) =>
    this.http.request<AgreementVersion>('POST', '/agreements', input);
  agencies = () => this.http.request<AgencyView[]>('GET', '/agencies');
  agency = (id: string) => this.http.request<AgencyView>('GET', `/agencies/${encodeURIComponent(id)}`);
  agencySignatures = (id: string) =>
    this.http.request<SignatureView[]>('GET', `/agencies/${encodeURIComponent(id)}/signatures`);
  registerAgency = (input: RegisterAgencyInput) => this.http.request<AgencyView>('POST', '/agencies', input);
  signAgency = (id: string, input: SignAgencyInput) =>
    this.http.request<AgencyView>('POST', `/agencies/${encodeURIComponent(id)}/signatures`, input);
  /** Records an agency's notice to withdraw; a notice dated in the past needs a `reason` (kept in the audit log). */
  giveNotice = (id: string, noticeGivenAt?: string, reason?: string) =>
    this.http.request<AgencyView>('POST', `/agencies/${encodeURIComponent(id)}/withdrawal-notice`, {
      ...(noticeGivenAt ? { noticeGivenAt } : {}),
      ...(reason ? { reason } : {}),
    } satisfies NoticeInput);
  suspendAgency = (id: string, reason: string) =>
    this.http.request<AgencyView>('POST', `/agencies/${encodeURIComponent(id)}/suspend`, { reason });
  reinstateAgency = (id: string) =>
    this.http.request<AgencyView>('POST', `/agencies/${encodeURIComponent(id)}/reinstate`);

  // ── users ──
  createUser = (input: CreateUserInput) => this.http.request<CreatedUser>('POST', '/users', input);
  users = (agencyId?: string) => this.http.request<UserView[]>('GET', '/users', undefined, { agencyId });
  /** A colleague in a partner agency, by exact e-mail address (to add them to a channel). */
  lookupUser = (email: string) => this.http.request<UserDirectoryEntry>('GET', '/users/lookup', undefined, { email });
  /**
   * Colleagues in partner agencies whose name has a word starting with each word of `q` (any order, any
   * case), optionally only of one agency; at most USER_SEARCH_LIMIT, by name. `q` may be empty when an
   * agency is given; otherwise it needs USER_SEARCH_MIN_CHARS characters.
   */
  searchUsers = (q: string, agencyId?: string) =>
    this.http.request<UserDirectoryEntry[]>('GET', '/users/search', undefined, { q: q || undefined, agencyId });
  disableUser = (id: string, reason?: string) =>
    this.http.request<DisabledUser>('POST', `/users/${encodeURIComponent(id)}/disable`, reason ? { reason } : {});
  /** A person's open actions and the families they lead, to hand over when they leave (their admins). */
  leaverHandOver = (userId: string) =>
    this.http.request<HandOverView>('GET', `/users/${encodeURIComponent(userId)}/hand-over`);
  /** Hands one of a leaver's open actions to a colleague in its channel, who is notified. */
  handOverLeaversAction = (userId: string, actionId: string, ownerId: string) =>
    this.http.request<HandOverView>(
      'POST',
      `/users/${encodeURIComponent(userId)}/hand-over/actions/${encodeURIComponent(actionId)}`,
      { ownerId },
    );
  /** Sets a new lead worker for a family a leaver led, who is notified. */
  handOverLeaversFamily = (userId: string, familyId: string, leadWorkerId: string) =>
    this.http.request<HandOverView>(
      'POST',
      `/users/${encodeURIComponent(userId)}/hand-over/families/${encodeURIComponent(familyId)}`,
      { leadWorkerId },
    );

  // ── your notifications ──
  /** Your notifications, newest first; `{ unread: true }` for those not read yet. */
  notifications = (opts: { unread?: boolean } = {}) =>
    this.http.request<NotificationView[]>('GET', '/notifications', undefined, {
      unread: opts.unread ? 'true' : undefined,
    });
  unreadNotifications = () => this.http.request<UnreadCount>('GET', '/notifications/unread-count');
  markNotificationRead = (id: string) =>
    this.http.request<NotificationsRead>('POST', `/notifications/${encodeURIComponent(id)}/read`);
  markAllNotificationsRead = () => this.http.request<NotificationsRead>('POST', '/notifications/read');
  /** Accounts and sources whose sign-ins are held back by failed attempts, and until when (ISA admins). */
  signInThrottles = () => this.http.request<SignInThrottlesView>('GET', '/sign-in-throttles');
  /** Forgets the failed sign-ins at an account, so its owner can sign in at once (ISA admins; audited). */
  clearSignInThrottle = (userId: string) =>
    this.http.request<ClearedSignInThrottle>('DELETE', `/sign-in-throttles/accounts/${encodeURIComponent(userId)}`);

  // ── devices ──
  myDevices = () => this.http.request<DeviceView[]>('GET', '/me/devices');
  userDevices = (userId: string) =>
    this.http.request<DeviceView[]>('GET', `/users/${encodeURIComponent(userId)}/devices`);
  revokeDevice = (id: string, reason?: string) =>
    this.http.request<DeviceView>('POST', `/devices/${encodeURIComponent(id)}/revoke`, reason ? { reason } : {});

  /** Registers existing keys: the proof-of-possession signature is made here, locally. */
  async registerDevice(userId: string, keys: DeviceKeys, label: string): Promise<DeviceView> {
    return this.http.request<DeviceView>('POST', '/devices', {
      label,
      x25519PublicKey: keys.x25519.publicKey,
      ed25519PublicKey: keys.ed25519.publicKey,
      signature: await signDeviceProof(userId, keys),
    });
  }

  /**
   * Makes a new device key pair and registers its public half; it waits for approval by its owner's
   * identity key (see `enrolDevice` in session/enrolment.ts). The caller stores `keys` (encrypted).
   */
  async createDevice(userId: string, label: string): Promise<{ device: DeviceView; keys: DeviceKeys }> {
    const keys = await generateDeviceKeys();
    return { device: await this.registerDevice(userId, keys, label), keys };
  }

  /** The password again (and the authenticator code): this session may then add a device for a few minutes. */
  stepUp = (input: StepUpInput) => this.http.request<StepUpView>('POST', '/auth/step-up', input);
  /** A person's identity key (protocol v2), or null if they have none yet. */
  userIdentity = (userId: string) =>
    this.http.request<IdentityView>('GET', `/users/${encodeURIComponent(userId)}/identity`);
  /** Publishes this person's first identity key with its signature over their first device. */
  publishIdentity = (input: PublishIdentityInput) => this.http.request<IdentityView>('PUT', '/me/identity', input);
  /** Approves a waiting device of this person's with their identity key's signature. */
  approveDevice = (deviceId: string, input: ApproveDeviceInput) =>
    this.http.request<DeviceView>('POST', `/devices/${encodeURIComponent(deviceId)}/approval`, input);

  // ── audit ──
  auditVerify = () => this.http.request<AuditVerifyReport>('GET', '/audit/verify');
  /**
   * One page of the audit events this person may read that match the filters (all given together), oldest
   * first from `afterSeq`, or newest first with `order: 'newest'` (then `beforeSeq` pages back). Agency
   * admins see their agency's trail only: what its people did and what was done to it or to them.
   */
  auditEvents = (opts: Partial<AuditEventsQuery> = {}) =>
    this.http.request<AuditEventView[]>('GET', '/audit/events', undefined, opts);

  /**
   * Every audit event matching `filters` that this person may read, oldest first, yielded a page of
   * AUDIT_PAGE at a time (for an export), so a caller writing a file can write each page as it comes and
   * not hold the whole log; `onProgress` hears the running total. Returns the total.
   */
  async *auditEventsAll(
    filters: AuditEventFilters = {},
    onProgress?: (eventsSoFar: number) => void,
  ): AsyncGenerator<AuditEventView[], number> {
    let afterSeq = 0;
    let total = 0;
    for (;;) {
      const page = await this.auditEvents({ ...filters, afterSeq, limit: AUDIT_PAGE, order: 'oldest' });
      if (page.length) {
        total += page.length;
        afterSeq = page[page.length - 1].seq;
        onProgress?.(total);
        yield page;
      }
      if (page.length < AUDIT_PAGE) return total;
    }
  }

  /**
   * Recomputes the whole audit hash chain here, from the events themselves, without trusting the
   * server's own verdict. Pages through the log; `onProgress` hears how many events are checked so far.
   */
  async verifyAuditChainLocally(onProgress?: (eventsChecked: number) => void): Promise<{
    ok: boolean;
    eventsChecked: number;
    head: ChainLink;
    firstBroken: { seq: number; reason: ChainBreakReason } | null;
  }> {
    let last: ChainLink | undefined;
    let checked = 0;
    for (;;) {
      const page = await this.auditEvents({ afterSeq: last?.seq ?? 0, limit: AUDIT_PAGE });
      if (page.length === 0) break;
      const result = await checkChain(page, last);
      checked += result.firstBroken ? result.last.seq - (last?.seq ?? 0) : page.length;
      last = result.last;
      onProgress?.(checked);
      if (result.firstBroken) return { ok: false, eventsChecked: checked, head: last, firstBroken: result.firstBroken };
      if (page.length < AUDIT_PAGE) break;
    }
    return { ok: true, eventsChecked: checked, head: last ?? { seq: 0, hash: AUDIT_GENESIS_HASH }, firstBroken: null };
  }

  /** Signed heads of the audit log, newest first. */
  auditHeads = (opts: Partial<AuditHeadsQuery> = {}) =>
    this.http.request<AuditHeadView[]>('GET', '/audit/heads', undefined, opts);
  /** Signs the log's current end now (ISA administrators and auditors); `created` false when already signed. */
  signAuditHead = () => this.http.request<{ head: AuditHeadView | null; created: boolean }>('POST', '/audit/heads');
  auditSigningKey = () => this.http.request<AuditSigningKeyView>('GET', '/audit/signing-key');

  /**
   * Checks the server's log, fetched page by page from its first event, against a head saved earlier
   * (crypto/audit-heads.ts): the head's signature, every link, and that the log still leads to the head.
   */
  checkAuditLogAgainstHead(
    head: AuditHeadView,
    opts: { expectedKey?: string; onProgress?: (eventsChecked: number) => void } = {},
  ): Promise<HeadCheckReport> {
    return checkLogAgainstHead(head, this.auditEventsAll(), opts);
  }

  // ── time-limited audit access ──
  /** An auditor asks for read-only access to a case, for themself (the purpose is kept with the grant). */
  requestGrant = (input: RequestGrantRequest) => this.http.request<GrantView>('POST', '/audit-grants', input);
  /** An ISA administrator approves until `endsAt`: the auditor joins the case's channel as an observer. */
  approveGrant = (id: string, input: ApproveGrantRequest) =>
    this.http.request<GrantView>('POST', `/audit-grants/${encodeURIComponent(id)}/approve`, input);
  refuseGrant = (id: string) => this.http.request<GrantView>('POST', `/audit-grants/${encodeURIComponent(id)}/refuse`);
  /** Ends live audit access now: the auditor is removed and the channel gets a new key. */
  endGrant = (id: string) => this.http.request<GrantView>('POST', `/audit-grants/${encodeURIComponent(id)}/end`);
  /** An auditor's own grants, or everyone's for an ISA administrator; newest first. */
  grants = (q: GrantsQuery = {}) => this.http.request<GrantView[]>('GET', '/audit-grants', undefined, q);
  // ── the subject-access register (ISA 10) ──
  createSubjectAccessRequest = (input: CreateSubjectAccessRequest) =>
    this.http.request<SubjectAccessRequestView>('POST', '/subject-access', input);
  /** Your agency's requests (every agency's for an ISA administrator), nearest deadline first. */
  subjectAccessRequests = (opts: { overdue?: 'true' | 'false'; status?: SubjectAccessStatus } = {}) =>
    this.http.request<SubjectAccessRequestView[]>('GET', '/subject-access', undefined, opts);
  subjectAccessRequest = (id: string) =>
    this.http.request<SubjectAccessRequestView>('GET', `/subject-access/${encodeURIComponent(id)}`);
  extendSubjectAccessRequest = (id: string, input: ExtendSubjectAccessRequest) =>
    this.http.request<SubjectAccessRequestView>('POST', `/subject-access/${encodeURIComponent(id)}/extension`, input);
  setSubjectAccessStatus = (id: string, status: 'answered' | 'closed') =>
    this.http.request<SubjectAccessRequestView>('POST', `/subject-access/${encodeURIComponent(id)}/status`, { status });
  consultOnSubjectAccess = (id: string, agencyId: string) =>
    this.http.request<ConsultationView>('POST', `/subject-access/${encodeURIComponent(id)}/consultations`, {
      agencyId,
    });
  /** Consultation tasks asked of your agency; `{ open: 'false' }` for done ones too. */
  subjectAccessConsultations = (opts: { open?: 'true' | 'false' } = {}) =>
    this.http.request<ConsultationView[]>('GET', '/subject-access/consultations', undefined, opts);
  consultationDone = (id: string) =>
    this.http.request<ConsultationView>('POST', `/subject-access/consultations/${encodeURIComponent(id)}/done`, {});
  /** Records (audited, counts only) that a request's subject was gathered into a file on this device. */
  recordSubjectAccessExport = (id: string, input: RecordSubjectAccessExport) =>
    this.http.request<SubjectAccessExportRecordedView>(
      'POST',
      `/subject-access/${encodeURIComponent(id)}/exports`,
      input,
    );

  // ── legal holds and disposal records ──
  /** Places a legal hold (ISA administrators): every expiry it covers waits until it is released. */
  /**
   * Places a legal hold under an id made here, asking again through network failures and 5xx answers with
   * the same id: a retry whose first answer was lost gets the hold stored then, never a second one.
   */
  placeHold = (input: PlaceHoldRequest) => {
    const body = withId(input);
    return retrying(() => this.http.request<HoldView>('POST', '/holds', body), new Backoff(DEFAULT_RETRY));
  };
  releaseHold = (id: string, input: ReleaseHoldRequest) =>
    this.http.request<HoldView>('POST', `/holds/${encodeURIComponent(id)}/release`, input);
  /** Holds in force, newest first; `{ active: 'false' }` for released ones too. */
  holds = (opts: { active?: 'true' | 'false' } = {}) => this.http.request<HoldView[]>('GET', '/holds', undefined, opts);
  /** Legal holds that keep a channel's records past their expiry, as its members see them (no reason). */
  channelHolds = (channelId: string) =>
    this.http.request<ChannelHoldView[]>('GET', `/channels/${encodeURIComponent(channelId)}/holds`);
  /** Disposal records, oldest first: what expired, under which rule, how many, from when. Never content. */
  disposals = (opts: { from?: string; to?: string; recordClass?: DisposalView['recordClass']; limit?: number } = {}) =>
    this.http.request<DisposalView[]>('GET', '/disposals', undefined, opts);
  /** An agency's retention schedule (your own agency's unless `agencyId` is given). */
  retentionSchedule = (opts: { agencyId?: string } = {}) =>
    this.http.request<ScheduleView>('GET', '/retention/schedules', undefined, opts);
  /** Sets an agency's period for a record class (its data-protection lead, or an ISA administrator). */
  setRetentionPeriod = (agencyId: string, recordClass: ScheduleClass, days: number) =>
    this.http.request<ScheduleView>(
      'PUT',
      `/retention/schedules/${encodeURIComponent(agencyId)}/${encodeURIComponent(recordClass)}`,
      { days },
    );

  // ── reports ──
  /** The ISA review report (ISA administrators, auditors): `from` inclusive, `to` exclusive; a year to now by default. */
  reviewReport = (period: { from?: string; to?: string } = {}) =>
    this.http.request<ReviewReport>('GET', '/reports/review', undefined, period);
  /**
   * The programme report (ISA administrators; an agency administrator gets their agency's counts): counts by
   * quarter and agency, each under 5 shown as `<5` and its complements `withheld`.
   */
  programmeReport = (period: { from?: string; to?: string } = {}) =>
    this.http.request<ProgrammeReport>('GET', '/reports/programme', undefined, period);

  // ── channels (ciphertext only: the crypto is in SecureSession) ──
  createChannel = (input: CreateChannelRequest) => this.http.request<ChannelView>('POST', '/channels', input);
  channels = () => this.http.request<ChannelSummary[]>('GET', '/channels');
  channel = (id: string) => this.http.request<ChannelView>('GET', `/channels/${encodeURIComponent(id)}`);
  /**
   * Marks a channel read up to message `seq` for this person on all their devices. Forward only: an
   * earlier `seq` leaves the position where it is. Their other sockets hear `channel.read`.
   */
  markRead = (channelId: string, seq: number) =>
    this.http.request<ReadPositionView>('POST', `/channels/${encodeURIComponent(channelId)}/read`, { seq });
  addMember = (channelId: string, input: AddMemberRequest) =>
    this.http.request<ChannelView>('POST', `/channels/${encodeURIComponent(channelId)}/members`, input);
  removeMember = (channelId: string, userId: string) =>
    this.http.request<void>(
      'DELETE',
      `/channels/${encodeURIComponent(channelId)}/members/${encodeURIComponent(userId)}`,
    );
  leaveChannel = (channelId: string) =>
    this.http.request<void>('POST', `/channels/${encodeURIComponent(channelId)}/leave`, {});
  channelDevices = (channelId: string) =>
    this.http.request<ChannelDevicesView>('GET', `/channels/${encodeURIComponent(channelId)}/devices`);
  openEpoch = (channelId: string, input: OpenEpochInput) =>
    this.http.request<OpenedEpochView>('POST', `/channels/${encodeURIComponent(channelId)}/epochs`, input);
  channelKeys = (channelId: string, deviceId: string, fromEpoch = 0) =>
    this.http.request<EpochKeyView[]>('GET', `/channels/${encodeURIComponent(channelId)}/keys`, undefined, {
      deviceId,
      fromEpoch,
    });
  shareHistory = (channelId: string, input: ShareHistoryInput) =>
    this.http.request<HistoryShareView>('POST', `/channels/${encodeURIComponent(channelId)}/history-shares`, input);
  /** The key periods the channel's live case record needs. */
  recordEpochs = (channelId: string) =>
    this.http.request<RecordEpochsView>('GET', `/channels/${encodeURIComponent(channelId)}/record-epochs`);
  /** Gives a member's devices the keys the case record needs (no older chat). */
  shareRecordKeys = (channelId: string, input: ShareRecordKeysInput) =>
    this.http.request<HistoryShareView>('POST', `/channels/${encodeURIComponent(channelId)}/record-key-shares`, input);
  sendMessage = (channelId: string, input: SendMessageInput) =>
    this.http.request<StoredMessageView>('POST', `/channels/${encodeURIComponent(channelId)}/messages`, input);
  messages = (channelId: string, opts: { after?: number; limit?: number } = {}) =>
    this.http.request<MessagePage>('GET', `/channels/${encodeURIComponent(channelId)}/messages`, undefined, opts);
  /** One of your devices' last message header in a channel, to continue its numbering in a fresh process. */
  messageChainHead = (channelId: string, deviceId: string) =>
    this.http.request<ChainHeadView>(
      'GET',
      `/channels/${encodeURIComponent(channelId)}/messages/chain-head`,
      undefined,
      {
        deviceId,
      },
    );
  deleteMessage = (channelId: string, seq: number) =>
    this.http.request<void>('DELETE', `/channels/${encodeURIComponent(channelId)}/messages/${seq}`);

  // ── encrypted files (ciphertext only: the crypto is in SecureSession.uploadFile / downloadFile) ──
  /** Declares an upload into a channel: its id, this device, how many pieces and stored bytes (413 over the limit). */
  declareAttachment = (channelId: string, input: DeclareAttachmentInput) =>
    this.http.request<AttachmentView>('POST', `/channels/${encodeURIComponent(channelId)}/attachments`, input);
  /** Stores one encrypted piece of an upload; the same bytes again answer `already_stored`. */
  putAttachmentChunk = (id: string, index: number, bytes: Uint8Array) =>
    this.http.sendBytes<ChunkStoredView>('PUT', `/attachments/${encodeURIComponent(id)}/chunks/${index}`, bytes);
  /** Finishes an upload once every piece is stored (409 naming the missing ones otherwise). */
  completeAttachment = (id: string) =>
    this.http.request<AttachmentView>('POST', `/attachments/${encodeURIComponent(id)}/complete`, {});
  /** A file's sizes and state; for a complete file, the server records a download. */
  attachment = (id: string) => this.http.request<AttachmentView>('GET', `/attachments/${encodeURIComponent(id)}`);
  /** One encrypted piece of a complete file, as stored. */
  attachmentChunk = (id: string, index: number) =>
    this.http.fetchBytes(`/attachments/${encodeURIComponent(id)}/chunks/${index}`);
  /** Takes back a file this person uploaded: nobody can read it from now on. */
  deleteAttachment = (id: string) => this.http.request<void>('DELETE', `/attachments/${encodeURIComponent(id)}`);

  /** Any device's public keys, revoked ones included (to check the signatures of old messages). */
  device = (id: string) => this.http.request<DeviceView>('GET', `/devices/${encodeURIComponent(id)}`);

  // ── families and consent ──
  /** Opens a family (new pseudonymous ref and channel) with you as its lead worker. */
  /** Opens a family, in a locality from the list if one is given. */
  createFamily = (input: CreateFamilyInput = {}) => this.http.request<FamilyView>('POST', '/families', input);
  /** Places a family in a locality from the list, or (null) records none; the lead worker or their agency's admin. */
  setFamilyLocality = (familyId: string, localityId: string | null) =>
    this.http.request<FamilyLocalityView>('POST', `/families/${encodeURIComponent(familyId)}/locality`, {
      localityId,
    });
  /** The ISA team's list of localities (areas of the partnership). */
  localities = () => this.http.request<LocalityView[]>('GET', '/localities');
  /** Adds a locality to the list (ISA administrators). */
  addLocality = (name: string) => this.http.request<LocalityView>('POST', '/localities', { name });
  families = () => this.http.request<FamilySummary[]>('GET', '/families');
  family = (id: string) => this.http.request<FamilyView>('GET', `/families/${encodeURIComponent(id)}`);
  addFamilyMember = (familyId: string, input: WithId<AddFamilyMemberInput>) =>
    this.http.request<FamilyMemberView>('POST', `/families/${encodeURIComponent(familyId)}/members`, withId(input));
  handOverFamily = (familyId: string, userId: string) =>
    this.http.request<FamilyView>('POST', `/families/${encodeURIComponent(familyId)}/lead`, { userId });
  consentRegister = (familyId: string) =>
    this.http.request<ConsentRegisterView>('GET', `/families/${encodeURIComponent(familyId)}/consent`);
  recordConsent = (familyId: string, memberId: string, input: WithId<ConsentInput>) =>
    this.http.request<ConsentRegisterView>(
      'POST',
      `/families/${encodeURIComponent(familyId)}/members/${encodeURIComponent(memberId)}/consent`,
      withId(input),
    );
  recordNotice = (familyId: string, memberId: string, input: RecordNoticeInput) =>
    this.http.request<ConsentRegisterView>(
      'POST',
      `/families/${encodeURIComponent(familyId)}/members/${encodeURIComponent(memberId)}/notices`,
      input,
    );
  recordLawfulBasis = (familyId: string, input: WithId<RecordLawfulBasisInput>) =>
    this.http.request<ConsentRegisterView>(
      'POST',
      `/families/${encodeURIComponent(familyId)}/lawful-bases`,
      withId(input),
    );

  // ── meetings ──
  scheduleMeeting = (input: WithId<ScheduleMeetingInput>) =>
    this.http.request<MeetingView>('POST', '/meetings', withId(input));
  /** Meetings you are invited to. */
  meetings = () => this.http.request<MeetingSummary[]>('GET', '/meetings');
  channelMeetings = (channelId: string) =>
    this.http.request<MeetingSummary[]>('GET', `/channels/${encodeURIComponent(channelId)}/meetings`);
  meeting = (id: string) => this.http.request<MeetingView>('GET', `/meetings/${encodeURIComponent(id)}`);
  inviteToMeeting = (id: string, userIds: string[]) =>
    this.http.request<MeetingView>('POST', `/meetings/${encodeURIComponent(id)}/invitations`, { userIds });
  startMeeting = (id: string) =>
    this.http.request<MeetingView>('POST', `/meetings/${encodeURIComponent(id)}/start`, {});
  setAttendance = (id: string, input: AttendanceInput) =>
    this.http.request<MeetingView>('POST', `/meetings/${encodeURIComponent(id)}/attendance`, input);
  saveMinutes = (id: string, input: SaveMinutesInput) =>
    this.http.request<MinutesSaved>('POST', `/meetings/${encodeURIComponent(id)}/minutes`, input);
  minutesVersions = (id: string) =>
    this.http.request<MinutesVersionView[]>('GET', `/meetings/${encodeURIComponent(id)}/minutes`);
  addMeetingEntry = (id: string, input: WithId<EntryInput>) =>
    this.http.request<MeetingEntryCreated>('POST', `/meetings/${encodeURIComponent(id)}/entries`, withId(input));
  closeMeeting = (id: string, input: CloseMeetingInput) =>
    this.http.request<MeetingView>('POST', `/meetings/${encodeURIComponent(id)}/close`, input);
  amendMinutes = (id: string, input: AmendInput) =>
    this.http.request<MeetingView>('POST', `/meetings/${encodeURIComponent(id)}/amendments`, input);
  /** Records (audited) that this user exported the closed meeting to their case record. */
  recordMeetingExport = (id: string, exportId: string) =>
    this.http.request<ExportRecordedView>('POST', `/meetings/${encodeURIComponent(id)}/exports`, { exportId });

  // ── referrals (the MASH hub) ──
  /** The hub, its concern categories and screening deadlines. */
  referralSettings = () => this.http.request<ReferralSettingsView>('GET', '/referrals/settings');
  /** Starts a draft referral (its channel holds you and the hub's staff): seal into it, then submit. */
  startReferral = (id: string) => this.http.request<ReferralView>('POST', '/referrals', { id });
  submitReferral = (ref: string, input: SubmitReferralInput) =>
    this.http.request<ReferralReceipt>('POST', `/referrals/${encodeURIComponent(ref)}/submit`, input);
  /** A referral by id or reference: in full to the hub and partners, the receipt to its referrer. */
  referral = (ref: string) => this.http.request<ReferralAnswer>('GET', `/referrals/${encodeURIComponent(ref)}`);
  referrals = (q: Partial<ListReferralsQuery> = {}) => {
    const p = new URLSearchParams();
    if (q.box) p.set('box', q.box);
    if (q.state) p.set('state', q.state);
    const qs = p.toString();
    return this.http.request<ReferralReceipt[]>('GET', `/referrals${qs ? `?${qs}` : ''}`);
  };
  referralQueue = () => this.http.request<ReferralQueueView>('GET', '/referrals/queue');
  claimReferral = (ref: string) =>
    this.http.request<ReferralView>('POST', `/referrals/${encodeURIComponent(ref)}/claim`, {});
  rateReferral = (ref: string, input: WithId<RateReferralInput>) =>
    this.http.request<ReferralView>('POST', `/referrals/${encodeURIComponent(ref)}/rating`, withId(input));
  shareReferral = (ref: string, input: WithId<ShareReferralRequest>) =>
    this.http.request<ReferralView>('POST', `/referrals/${encodeURIComponent(ref)}/shares`, withId(input));
  decideReferral = (ref: string, input: DecideReferralInput) =>
    this.http.request<ReferralView>('POST', `/referrals/${encodeURIComponent(ref)}/decision`, input);
  closeReferral = (ref: string) =>
    this.http.request<ReferralView>('POST', `/referrals/${encodeURIComponent(ref)}/close`, {});

  // ── actions ──
  createAction = (input: WithId<CreateActionInput>) =>
    this.http.request<ActionDetailView>('POST', '/actions', withId(input));
  /** Your actions across every channel, overdue first. */
  myActions = () => this.http.request<ActionView[]>('GET', '/actions/mine');
  channelActions = (channelId: string) =>
    this.http.request<ActionView[]>('GET', `/channels/${encodeURIComponent(channelId)}/actions`);
  action = (id: string) => this.http.request<ActionDetailView>('GET', `/actions/${encodeURIComponent(id)}`);
  updateAction = (id: string, input: WithId<UpdateActionInput, 'updateId'>) =>
    this.http.request<ActionDetailView>('POST', `/actions/${encodeURIComponent(id)}/updates`, {
      ...input,
      updateId: input.updateId ?? newId(),
    });
  reassignAction = (id: string, input: WithId<ReassignActionInput, 'updateId'>) =>
    this.http.request<ActionDetailView>('POST', `/actions/${encodeURIComponent(id)}/reassign`, {
      ...input,
      updateId: input.updateId ?? newId(),
    });

  // ── information requests between agencies ──
  // The raw calls: the question, answer and explanation must be sealed first (`SecureSession`'s
  // `sendInformationRequest`, `provideInformation` and `declineInformationRequest` do it all).
  createInformationRequest = (input: CreateInformationRequestInput) =>
    this.http.request<InformationRequestView>('POST', '/information-requests', input);
  /** Asked of your agency (`inbox`), asked by you (`outbox`), or both; overdue first. */
  informationRequests = (query: InformationRequestsQuery = {}) =>
    this.http.request<InformationRequestView[]>('GET', '/information-requests', undefined, {
      box: query.box,
      state: query.state,
    });
  informationRequest = (id: string) =>
    this.http.request<InformationRequestView>('GET', `/information-requests/${encodeURIComponent(id)}`);
  acceptInformationRequest = (id: string) =>
    this.http.request<InformationRequestView>('POST', `/information-requests/${encodeURIComponent(id)}/accept`, {});
  assignInformationRequest = (id: string, input: AssignInformationRequestInput) =>
    this.http.request<InformationRequestView>('POST', `/information-requests/${encodeURIComponent(id)}/assign`, input);
  provideInformationResponse = (id: string, input: ProvideInformationInput) =>
    this.http.request<InformationRequestView>('POST', `/information-requests/${encodeURIComponent(id)}/provide`, input);
  declineInformationResponse = (id: string, input: DeclineInformationInput) =>
    this.http.request<InformationRequestView>('POST', `/information-requests/${encodeURIComponent(id)}/decline`, input);
  withdrawInformationRequest = (id: string) =>
    this.http.request<InformationRequestView>('POST', `/information-requests/${encodeURIComponent(id)}/withdraw`, {});
  closeInformationRequest = (id: string) =>
    this.http.request<InformationRequestView>('POST', `/information-requests/${encodeURIComponent(id)}/close`, {});

  // ── whole-family plan ──
  familyPlan = (familyId: string) =>
    this.http.request<FamilyPlanView>('GET', `/families/${encodeURIComponent(familyId)}/plan`);
  saveFamilyPlan = (familyId: string, input: SavePlanInput) =>
    this.http.request<PlanSavedView>('POST', `/families/${encodeURIComponent(familyId)}/plan`, input);
  reportPlanProgress = (familyId: string, input: WithId<PlanProgressInput>) =>
    this.http.request<PlanProgressRecordedView>(
      'POST',
      `/families/${encodeURIComponent(familyId)}/plan/progress`,
      withId(input),
    );
  /**
   * Records a review of the plan (lead worker or chair): the current version, the day, what it found; a note, if
   * any, sealed first (`'plan-review'`, bound to the review's id). Send the same id again to retry safely.
   */
  recordPlanReview = (familyId: string, input: PlanReviewInput) =>
    this.http.request<PlanReviewView>('POST', `/families/${encodeURIComponent(familyId)}/plan/reviews`, input);
  /** Records (audited) that this user exported the family's plan to their case record. */
  recordPlanExport = (familyId: string, exportId: string) =>
    this.http.request<ExportRecordedView>('POST', `/families/${encodeURIComponent(familyId)}/plan/exports`, {
      exportId,
    });
}

const AUDIT_PAGE = 1000;
