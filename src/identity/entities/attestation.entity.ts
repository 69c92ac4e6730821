import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** ISA 8.4.1/8.4.3: the user read the agreement version and the sharing advice and accepts confidentiality. */
@Entity('attestations')
export class Attestation {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') userId: string;
  @Column('uuid') agreementVersionId: string;
  @Column('text') adviceVersion: string;
  @Column('timestamptz') attestedAt: Date;
}
