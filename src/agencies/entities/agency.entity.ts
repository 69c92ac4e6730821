import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const AGENCY_SECTORS = [
  'local_authority',
  'police',
  'education',
  'health',
  'housing',
  'voluntary',
  'other',
] as const;
export type AgencySector = (typeof AGENCY_SECTORS)[number];

/** `registered → signed → notice_given → withdrawn`, and `suspended` (reinstated to its previous state). */
export const AGENCY_STATUSES = ['registered', 'signed', 'notice_given', 'withdrawn', 'suspended'] as const;
export type AgencyStatus = (typeof AGENCY_STATUSES)[number];

/**
 * During its notice month an agency is still a party to the ISA, so `notice_given` shares like `signed`.
 * Every other status shuts the agency's users out of shared spaces.
 */
export const SHARING_STATUSES: readonly AgencyStatus[] = ['signed', 'notice_given'];

@Entity('agencies')
export class Agency {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') sector: AgencySector;
  @Column('boolean', { name: 'dea_s35_partner' }) deaS35Partner: boolean;
  @Column('text') status: AgencyStatus;
  @Column('text', { nullable: true }) statusBeforeSuspension: AgencyStatus | null;
  @Column('text', { nullable: true }) suspendedReason: string | null;
  @Column('timestamptz', { nullable: true }) noticeGivenAt: Date | null;
  @Column('timestamptz', { nullable: true }) withdrawalEffectiveAt: Date | null;
  @Column('timestamptz', { nullable: true }) withdrawnAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
