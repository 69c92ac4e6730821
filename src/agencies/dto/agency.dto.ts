import { z } from 'zod';
import { AGENCY_SECTORS } from '../entities/agency.entity.js';

const isoDate = z.iso.date({ message: 'must be a date as YYYY-MM-DD' });
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
  noticeGivenAt: z.iso.datetime({ offset: true }).optional(),
});
export type NoticeDto = z.infer<typeof noticeSchema>;

export const suspendSchema = z.strictObject({ reason: text(1000) });
export type SuspendDto = z.infer<typeof suspendSchema>;

export const emptySchema = z.strictObject({}).optional();
