import type { TenantDb } from '@rosterchirp/db';
import type { ImportRow, ImportUsersReply, Role } from '@rosterchirp/protocol';
import { type EventBus, rooms } from '@rosterchirp/protocol';
import type { Stores } from '@rosterchirp/store';
import { CsvError, parse } from 'csv-parse/sync';
import { AppError, invalid } from './app-error.ts';
import { auditWho } from './audit-service.ts';
import type { Actor } from './context.ts';
import type { UserService } from './user-service.ts';

const ROLES: readonly Role[] = ['member', 'manager', 'admin'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface Candidate {
  line: number;
  name: string;
  email: string;
  role: Role;
  error?: string;
}

/**
 * `name,email[,role]` with a header row, through a real CSV parser: quoted fields, commas and
 * line breaks inside quotes, a UTF-8 BOM and CRLF all work. A file the parser cannot read, or
 * without the name and email columns, is a 400 naming the line; row problems are reported per row.
 */
export function readUserCsv(csv: string): Candidate[] {
  let records: Array<{ record: Record<string, string>; info: { lines: number }; raw: string }>;
  try {
    // One line break everywhere: the parser counts a CRLF inside quotes as two lines.
    records = parse(csv.replace(/\r\n?/g, '\n'), {
      bom: true,
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      info: true,
      raw: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    });
  } catch (err) {
    const where = err instanceof CsvError && typeof err.lines === 'number' ? ` (line ${err.lines})` : '';
    throw invalid('csv', `The file is not valid CSV${where}: ${(err as Error).message}`);
  }
  const first = records[0]?.record ?? {};
  if (records.length && (!('name' in first) || !('email' in first))) {
    throw invalid('csv', 'The first line must name the columns: name,email and optionally role');
  }
  return records.map(({ record, info, raw }) => {
    // The line the row starts on (a quoted field may span lines; info.lines is where it ends).
    const breaks = (raw.match(/\n/g)?.length ?? 0) - (raw.endsWith('\n') ? 1 : 0);
    const name = (record.name ?? '').trim();
    const email = (record.email ?? '').trim().toLowerCase();
    const role = ((record.role ?? '').trim().toLowerCase() || 'member') as Role;
    const row: Candidate = { line: info.lines - breaks, name, email, role };
    if (!name) row.error = 'The name is missing';
    else if (name.length > 100) row.error = 'The name is longer than 100 characters';
    else if (!EMAIL.test(email) || email.length > 254) row.error = 'This is not an email address';
    else if (!ROLES.includes(role)) row.error = `Unknown role "${record.role}" (member, manager or admin)`;
    return row;
  });
}

/** Bulk creation of people from CSV: a dry run that writes nothing, then the import itself. */
/** How often the importing admin hears how far it got (`import:progress`), in rows. */
const PROGRESS_EVERY = 25;

/**
 * Bulk creation of people from CSV: a dry run that writes nothing, then the import itself.
 * Each person is created with their audit entry in one transaction; passwords are hashed one
 * at a time on the thread pool, so a large import never holds a database connection while
 * hashing nor takes more than one core from the chat of everyone else.
 */
export function createUserImport(deps: { stores: Pick<Stores, 'users'>; users: UserService; bus: EventBus }) {
  return {
    async run(db: TenantDb, actor: Actor, csv: string, dryRun: boolean): Promise<ImportUsersReply> {
      const candidates = readUserCsv(csv);
      if (candidates.length === 0) throw invalid('csv', 'The file has no people in it');
      if (candidates.length > 10_000) throw new AppError('TOO_LARGE', 'At most 10,000 people per file');
      const seen = new Map<string, number>();
      for (const c of candidates) {
        if (c.error) continue;
        const earlier = seen.get(c.email);
        if (earlier !== undefined) c.error = `Also on line ${earlier} of this file`;
        else seen.set(c.email, c.line);
      }
      const taken = await deps.stores.users.existingEmails(db, [...seen.keys()]);
      for (const c of candidates) if (!c.error && taken.has(c.email)) c.error = 'Already a user here';

      const rows: ImportRow[] = [];
      let created = 0;
      const total = candidates.length;
      const progress = (done: number) =>
        deps.bus.emit(rooms.session(db.schema, actor.sessionId), 'import:progress', { done, total });
      for (const [index, c] of candidates.entries()) {
        if (!dryRun && index > 0 && index % PROGRESS_EVERY === 0) progress(index);
        if (c.error) {
          rows.push({ line: c.line, email: c.email, status: 'error', error: c.error });
          continue;
        }
        if (dryRun) {
          rows.push({ line: c.line, email: c.email, status: 'ok' });
          continue;
        }
        try {
          // One at a time: argon2 runs on libuv's pool, so chat keeps its event loop meanwhile.
          const { generatedPassword } = await deps.users.create(
            db,
            { email: c.email, name: c.name, role: c.role },
            { who: auditWho(actor), action: 'user.imported' },
          );
          created++;
          rows.push({
            line: c.line,
            email: c.email,
            status: 'ok',
            ...(generatedPassword ? { password: generatedPassword } : {}),
          });
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          rows.push({ line: c.line, email: c.email, status: 'error', error: err.message });
        }
      }
      if (!dryRun) progress(total);
      return { rows, created };
    },
  };
}

export type UserImport = ReturnType<typeof createUserImport>;
