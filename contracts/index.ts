/**
 * One definition of every contract between the Strongroom server and its clients: request and
 * response schemas per feature, enums, socket events, error codes and the documents behind each
 * sealed-field purpose. Imports only `zod`; neither `src/` nor `client/` is imported from here.
 */
export * from './api-version.js';
export * from './common.js';
export * from './errors.js';
export * from './realtime.js';
export * from './sealed.js';
export * from './health.js';
export * from './identity.js';
export * from './agencies.js';
export * from './audit.js';
export * from './audit-heads.js';
export * from './retention.js';
export * from './audit-grants.js';
export * from './channels.js';
export * from './messages.js';
export * from './families.js';
export * from './localities.js';
export * from './consent.js';
export * from './meetings.js';
export * from './actions.js';
export * from './referrals.js';
export * from './attachments.js';
export * from './information-requests.js';
export * from './subject-access.js';
export * from './reports.js';
export * from './notifications.js';
