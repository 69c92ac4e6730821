/** Shapes of the server's responses (agencies), as the SDK exposes them: one definition, in contracts/. */
export type {
  AgencySector,
  AgencyStatus,
  AgencyView,
  AgreementVersion,
  NoticeInput,
  PublishAgreementInput,
  RegisterAgencyInput,
  SignAgencyInput,
  SignatureView,
} from '../../../contracts/agencies.js';
