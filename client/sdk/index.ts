/** The Strongroom SDK: public API. Internals (transport details, store formats) are not re-exported. */
export { StrongroomClient, type LoginInput } from './client.js';
export { StrongroomApiError, StrongroomNetworkError } from './transport/http.js';
export { fingerprint, generateDeviceKeys, type DeviceKeys } from './crypto/device-keys.js';
export { decodeRecoveryKey, deviceCode, RecoveryKeyError, safetyNumber, type IdentityKeys } from './crypto/identity.js';
export {
  approveDeviceByCode,
  completeApproval,
  DeviceApprovalError,
  enrolFirstDevice,
  recoverDevice,
  recoverWaitingDevice,
  requestDevice,
  type FirstDevice,
  type WaitingDevice,
} from './session/enrolment.js';
export { WrongPassphraseError } from './crypto/key-wrap.js';
export { newObjectiveId } from './ids.js';
export { prepareCrypto, wipe } from './crypto/sodium.js';
export type { KeyStore, StoredDevice } from './store/key-store.js';
export { IndexedDbKeyStore, type IndexedDbKeyStoreOptions } from './store/indexed-db-key-store.js';
export { IndexedDbTrustStore } from './store/indexed-db-trust-store.js';
export { STRONGROOM_DATABASE, type IndexedDbOptions } from './store/indexed-db.js';
export type * from './types.js';
export { canonicalize, checkChain, eventHash, AUDIT_GENESIS_HASH, type ChainedEvent } from './crypto/audit-chain.js';
export {
  auditHeadSignatureValid,
  checkAuditHead,
  checkLogAgainstHead,
  describeHeadCheck,
  type AuditHeadCheck,
  type HeadCheckReport,
  type HeadCheckVerdict,
} from './crypto/audit-heads.js';
export {
  SecureSession,
  SendNotConfirmedError,
  UnableToDecryptError,
  type DecryptedMessage,
  type KeyRecipients,
  type SessionOptions,
} from './secure-session.js';
export type { NewChannel } from './session/channel-keys.js';
export {
  checkExplanation,
  DeclineExplanationError,
  explanationTooShort,
  type AnswerFiles,
  type AssignedInformationRequest,
  type CheckedExplanation,
  type NewInformationRequest,
  type OpenedInformationRequest,
  type SentInformationRequest,
} from './session/information-requests.js';
export {
  characterCount,
  DECLINE_EXPLANATION_MIN_CHARACTERS,
  DECLINE_EXPLANATION_REFUSAL,
  INFORMATION_REQUEST_ACTIONS,
  INFORMATION_REQUEST_BOXES,
  INFORMATION_REQUEST_STATES,
} from '../../contracts/information-requests.js';
export {
  isTrustRefusal,
  type DeviceClaim,
  type TrustedDevice,
  type TrustRefusal,
  type VerifiedPerson,
} from './session/device-trust.js';
export { DeviceNotApprovedError, EpochRefusedError, FieldBindingError } from './session/errors.js';
export type { DecryptedPage, SendOptions, SubscribeOptions } from './session/message-stream.js';
export type { ChannelConversation, EditOptions, ReplyTarget, SendTextOptions } from './session/conversations.js';
export {
  FORGED_EDIT_WARNING,
  foldConversation,
  previewOf,
  PREVIEW_LENGTH,
  type ConversationView,
  type FileView,
  type MessageView,
  type MessageViewKind,
  type RejectedEdit,
  type ReplyPreview,
} from './content/conversation.js';
export {
  CANNOT_SEE,
  CANNOT_SHOW,
  MAX_MENTIONS,
  MessageContentError,
  fileContent,
  parseContent,
  type ChatContent,
  type EditContent,
  type FileContent,
  type MessageRef,
  type TextContent,
} from './content/message-content.js';
export { DEFAULT_RETRY, isTransient, type RetryPolicy } from './transport/retry.js';
export type {
  CheckedPlan,
  PlanVersionInput,
  SignedTextProof,
  VerifiedAmendment,
  VerifiedMinutes,
} from './session/sealed-records.js';
export {
  SEALED_PURPOSES,
  type AgendaItem,
  type FamilyMemberDetails,
  type InformationRequestDocument,
  type InformationResponseDocument,
  type MinutesAmendment,
  type MinutesDocument,
  type PlanDocument,
  type SealedDocument,
  type SealedDocuments,
  type SealedPurpose,
  type TextDocument,
} from '../../contracts/sealed.js';
export {
  IdentityChangedError,
  KeyChangedError,
  MemoryTrustStore,
  UnapprovedDeviceError,
  UnusableDeviceError,
  type PinnedDevice,
  type PinnedIdentity,
  type TrustStore,
} from './store/trust-store.js';
export { RealtimeConnection, type RealtimeEventMap } from './transport/realtime.js';
export type { FieldBinding, MessageContent } from './crypto/channel-crypto.js';
export { RecordExporter } from './export/build.js';
export {
  SUBJECT_ACCESS_EXPORT_FORMAT,
  SubjectAccessExporter,
  type SubjectAccessExport,
  type SubjectAccessFamily,
  type SubjectAccessProgress,
} from './export/subject-access-export.js';
export {
  EXPORT_FORMAT,
  exportSigningBytes,
  signExport,
  verifyExport,
  type ExportSigner,
  type ExportSignerReport,
  type ExportVerification,
  type TrustAnchors,
  type FamilyPlanExport,
  type MeetingExport,
  type SignedExport,
} from './export/record-export.js';
export { exportFromHtml, renderExportHtml, verifyExportText } from './export/html.js';
export { anchorsFromJson, anchorsFromTrustStore, isPublicKeyText, mergeAnchors } from './export/anchors.js';
export { csvCell, csvRow } from './export/csv.js';
export {
  AUDIT_EVENT_CSV_HEADER,
  auditEventCsvRow,
  auditEventsJson,
  auditExportNames,
  disposalsExport,
  type AuditExportNames,
} from './export/governance-exports.js';
export {
  decideReferral,
  rateReferral,
  readReferral,
  shareReferral,
  submitReferral,
  type NewReferral,
  type OpenedReferral,
  type SubmittedReferral,
} from './session/referrals.js';
export {
  fileReferenceSchema,
  fileSizeInWords,
  parseFileReference,
  safeFileName,
  type FileReference,
} from './content/file-reference.js';
export { AttachmentIntegrityError } from './crypto/attachment.js';
export {
  fileChunks,
  FileSizeMismatchError,
  type DownloadOptions,
  type FileToSend,
  type TransferProgress,
  type UploadOptions,
} from './session/attachments.js';
export { renderProgrammeReportHtml, renderReviewReportHtml } from './reports/report-html.js';
export {
  auditWords,
  CATEGORY_WORDS,
  countCell,
  countWords,
  DISPOSAL_RULE_WORDS,
  holdWords,
  MEASURE_WORDS,
  NOT_AVAILABLE_WORDS,
  STATUS_WORDS,
  SUPPRESSION_WORDS,
  LOCALITY_WORDS,
  ALL_LOCALITIES,
  whenWords,
} from './reports/report-words.js';
