import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A single-use, short-lived token, e-mailed, with which a person chooses a new password. Stored only as a hash. */
@Entity('password_resets')
export class PasswordReset {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') userId: string;
  @Column('bytea') tokenHash: Buffer;
  @Column('timestamptz') expiresAt: Date;
  @Column('timestamptz', { nullable: true }) usedAt: Date | null;
  /** From the server's clock (not the database's), like the expiry it is compared with. */
  @Column('timestamptz') createdAt: Date;
}
