import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One signature of the agreement by an agency's signatory, against a specific version. */
@Entity('agency_signatures')
export class AgencySignature {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') agencyId: string;
  @Column('uuid') agreementVersionId: string;
  @Column('text') signatoryName: string;
  @Column('text') signatoryTitle: string;
  @Column('text') signatoryOrganisation: string;
  @Column('date') signedOn: string;
  @Column('uuid', { nullable: true }) recordedBy: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
