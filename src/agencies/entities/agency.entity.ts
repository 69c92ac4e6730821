import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { AgencySector, AgencyStatus } from '../../../contracts/agencies.js';

@Entity('agencies')
export class Agency {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') name: string;
  @Column('text') sector: AgencySector;
  @Column('boolean', { name: 'dea_s35_partner' }) deaS35Partner: boolean;
  @Column('boolean', { name: 'is_mash_hub' }) isMashHub: boolean;
  @Column('text') status: AgencyStatus;
  @Column('text', { nullable: true }) statusBeforeSuspension: AgencyStatus | null;
  @Column('text', { nullable: true }) suspendedReason: string | null;
  @Column('timestamptz', { nullable: true }) noticeGivenAt: Date | null;
  @Column('timestamptz', { nullable: true }) withdrawalEffectiveAt: Date | null;
  @Column('timestamptz', { nullable: true }) withdrawnAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
