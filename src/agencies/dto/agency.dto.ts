import { z } from 'zod';
import { AGENCY_SECTORS } from '../entities/agency.entity.js';

/**
 * Dates of the register are modern: the bound keeps out values PostgreSQL cannot store (year 0000) or that
 * date arithmetic cannot handle, which would otherwise fail at the database as a 500.
 */
const EARLIEST = '1900-01-01';
const isoDate = z.iso
  .date({ message: 'must be a date as YYYY-MM-DD' })
  .refine((d) => d >= EARLIEST, `must be on or after ${EARLIEST}`);
const isoDateTime = z.iso
  .datetime({ offset: true, message: 'must be a date and time as ISO 8601 with an offset' })
  // zod runs this even when the format check failed: an unparsable value (NaN) is left to that check.
  .refine((d) => !(Date.parse(d) < Date.parse(EARLIEST)), `must be on or after ${EARLIEST}`);
const text = (max: number) => z.string().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);

export const publishAgreementSchema = z.strictObject({
  label: text(40),
  publishedOn: isoDate,
  textRef: text(500),
});
export type PublishAgreementDto = z.infer<typeof publishAgreementSchema>;

export const registerAgencySchema = z.strictObject({
  name: text(200),
  sector: z.enum(AGENCY_SECTORS),
  deaS35Partner: z.boolean().default(false),
});
export type RegisterAgencyDto = z.infer<typeof registerAgencySchema>;

export const signAgencySchema = z.strictObject({
  agreementVersionId: z.uuid().optional(),
  signatoryName: text(200),
  signatoryTitle: text(200),
  signatoryOrganisation: text(200).optional(),
  signedOn: isoDate,
});
export type SignAgencyDto = z.infer<typeof signAgencySchema>;

export const noticeSchema = z.strictObject({
  /** When the written notice was received; defaults to now. */
  noticeGivenAt: isoDateTime.optional(),
});
export type NoticeDto = z.infer<typeof noticeSchema>;

export const suspendSchema = z.strictObject({ reason: text(1000) });
export type SuspendDto = z.infer<typeof suspendSchema>;
