/** Shapes of the server's responses (audit), as the SDK exposes them: one definition, in contracts/. */
export type { AuditEventView, AuditEventsQuery, AuditOutcome, AuditVerifyReport } from '../../../contracts/audit.js';
