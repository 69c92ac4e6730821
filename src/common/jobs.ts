import { Injectable } from '@nestjs/common';

/** A periodic job: safe to run on several instances at once (row locks with SKIP LOCKED, idempotent). */
export type Job = () => Promise<unknown>;

/**
 * Where modules put their periodic work. Each module registers its own jobs when it starts
 * (`onModuleInit`), so adding a domain never edits a central list; the jobs runner in src/jobs runs
 * whatever is registered, in registration order, on its timer.
 */
@Injectable()
export class JobRegistry {
  private readonly jobs = new Map<string, Job>();

  register(name: string, job: Job): void {
    if (this.jobs.has(name)) throw new Error(`A job called ${name} is already registered.`);
    this.jobs.set(name, job);
  }

  entries(): [string, Job][] {
    return [...this.jobs];
  }
}
