import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A published version of the Information Sharing Agreement. The newest by publication date is current. */
@Entity('agreement_versions')
export class AgreementVersion {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') label: string;
  /** ISO date (YYYY-MM-DD). */
  @Column('date') publishedOn: string;
  /** Clause 11: the agreement is reviewed every three years. */
  @Column('date') reviewDue: string;
  @Column('text') textRef: string;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
