import {
  dropSchema,
  migrateSchema,
  quoteSchema,
  type ShardMap,
  schemaForSlug,
  type TenantDb,
  tenantDb,
  withTryLock,
} from '@rosterchirp/db';
import {
  type CreateTenantBody,
  type EventBus,
  featureFlags,
  type JobQueue,
  type PatchTenantBody,
  type Plan,
  rooms,
} from '@rosterchirp/protocol';
import type { ObjectStorage } from '@rosterchirp/storage';
import type { TenantCatalog, TenantRow } from '@rosterchirp/store';
import { isUniqueViolation } from '@rosterchirp/store';
import { AppError } from '../app-error.ts';
import type { DomainLogger } from '../context.ts';
import { generatePassword } from '../passwords.ts';
import type { SeedService } from '../seed-tenant.ts';
import type { SettingsService } from '../settings-service.ts';
import { tenantHosts } from './tenant-catalog.ts';

/** Slugs that would read as part of the service itself, not as an organisation. */
const RESERVED_SLUGS = new Set(['www', 'api', 'host', 'admin', 'app', 'mail', 'status', 'static', 'public']);

export interface ProvisioningDeps {
  catalog: TenantCatalog;
  shards: ShardMap;
  storage: ObjectStorage;
  bus: EventBus;
  /** Forgets a host on every instance (the tenant-domain cache). */
  invalidateHost: (host: string) => Promise<void>;
  seed: SeedService;
  settings: SettingsService;
  hostDomain: string;
  defaultChatName: string;
  log: DomainLogger;
  /** The job queue: a deleted tenant's objects are removed by a job (resumable, off the request). */
  jobs: JobQueue;
}

/** The job that deletes a deleted tenant's stored objects, then its catalog row. */
export const TENANT_OBJECTS_QUEUE = 'tenant-objects-delete';
interface TenantObjectsJob {
  slug: string;
  schema: string;
}

const notFound = (slug: string) => new AppError('NOT_FOUND', `No tenant "${slug}"`);

/** Create, change and delete tenants (docs/PRODUCT.md §1, docs/API.md host control plane). */
export function createTenantProvisioning(deps: ProvisioningDeps) {
  const dbOf = (row: Pick<TenantRow, 'schema' | 'shard'>): TenantDb =>
    tenantDb(deps.shards.get(row.shard).pool, row.schema);

  const forgetHosts = async (...rows: Array<Pick<TenantRow, 'slug' | 'customDomain'>>) => {
    const hosts = new Set(rows.flatMap((r) => tenantHosts(r, deps.hostDomain)));
    await Promise.all([...hosts].map((h) => deps.invalidateHost(h)));
  };

  const writePlan = (db: TenantDb, plan: Plan) => deps.settings.setPlan(db, plan);

  /** Closes every socket and stream of the tenant, on every instance. */
  const closeConnections = (schema: string, reason: 'suspended' | 'deleted') => {
    deps.bus.emit(rooms.tenant(schema), 'tenant:closed', { reason });
    deps.bus.disconnect(rooms.tenant(schema));
  };

  /** Runs fn under the tenant's provisioning lock; a second caller meanwhile gets 409. */
  async function locked<T>(row: TenantRow, fn: () => Promise<T>): Promise<T> {
    const shard = deps.shards.get(row.shard);
    const result = await withTryLock(shard.directUrl, `rosterchirp:provision:${row.slug}`, fn);
    if (!result.acquired) {
      throw new AppError(
        'CONFLICT',
        `Tenant "${row.slug}" is being changed right now; try again in a moment`,
      );
    }
    return result.value;
  }

  /** New tenants go to the shard with the fewest tenants (ties: `main`, then by name). */
  async function leastLoadedShard(): Promise<string> {
    const names = deps.shards.names();
    if (names.length === 1) return names[0]!;
    const counts = await deps.catalog.countByShard();
    const rank = (name: string) => [counts[name] ?? 0, name === 'main' ? 0 : 1] as const;
    return [...names].sort((a, b) => {
      const [ca, ma] = rank(a);
      const [cb, mb] = rank(b);
      return ca - cb || ma - mb || a.localeCompare(b);
    })[0]!;
  }

  return {
    /**
     * Schema, migrations, seed (settings, event types, admin, default chat) and plan, then the
     * row turns active. Retry-safe: a create that died half-way is resumed by the next one.
     */
    async create(input: CreateTenantBody): Promise<{ tenant: TenantRow; adminPassword: string }> {
      if (RESERVED_SLUGS.has(input.slug)) {
        throw new AppError('VALIDATION_FAILED', `The slug "${input.slug}" is reserved`, { field: 'slug' });
      }
      const schema = schemaForSlug(input.slug);
      const inserted = await deps.catalog.insert({
        slug: input.slug,
        name: input.name,
        plan: input.plan,
        schema,
        shard: await leastLoadedShard(),
      });
      const existing = inserted ?? (await deps.catalog.bySlug(input.slug));
      if (!existing)
        throw new AppError('CONFLICT', `Tenant "${input.slug}" is being deleted; try again shortly`);
      if (existing.status !== 'provisioning') {
        throw new AppError('CONFLICT', `A tenant with the slug "${input.slug}" already exists`, {
          field: 'slug',
        });
      }
      return locked(existing, async () => {
        const row = (await deps.catalog.bySlug(input.slug)) ?? existing;
        if (row.status !== 'provisioning') {
          throw new AppError('CONFLICT', `A tenant with the slug "${input.slug}" already exists`, {
            field: 'slug',
          });
        }
        const shard = deps.shards.get(row.shard);
        await migrateSchema(shard.directUrl, row.schema);
        const db = dbOf(row);
        const adminPassword = input.adminPassword ?? generatePassword();
        // resetPassword: a resumed create sets the password it returns, whatever a lost try set.
        await deps.seed.tenant(db, {
          admin: {
            email: input.adminEmail,
            name: input.adminName,
            password: adminPassword,
            resetPassword: true,
          },
          defaultChatName: deps.defaultChatName,
        });
        await writePlan(db, input.plan);
        const active = await deps.catalog.update(input.slug, {
          name: input.name,
          plan: input.plan,
          status: 'active',
        });
        await forgetHosts(row);
        deps.log.info({ tenant: row.slug, schema: row.schema }, 'tenant provisioned');
        return { tenant: active ?? row, adminPassword };
      });
    },

    async update(slug: string, patch: PatchTenantBody): Promise<TenantRow> {
      const before = await deps.catalog.bySlug(slug);
      if (!before || before.status === 'provisioning' || before.status === 'deleting') throw notFound(slug);
      if (patch.customDomain) {
        const d = patch.customDomain;
        if (d === deps.hostDomain || d.endsWith(`.${deps.hostDomain}`)) {
          throw new AppError('VALIDATION_FAILED', `A custom domain cannot be under ${deps.hostDomain}`, {
            field: 'customDomain',
          });
        }
      }
      let after: TenantRow | undefined;
      try {
        after = await deps.catalog.update(slug, patch);
      } catch (err) {
        if (isUniqueViolation(err)) {
          throw new AppError('CONFLICT', `${patch.customDomain} is already another tenant's domain`, {
            field: 'customDomain',
          });
        }
        throw err;
      }
      if (!after) throw notFound(slug);
      if (patch.plan && patch.plan !== before.plan) {
        await writePlan(dbOf(after), patch.plan);
        deps.bus.emit(rooms.tenant(after.schema), 'features:updated', {
          plan: patch.plan,
          features: featureFlags(patch.plan),
        });
      }
      await forgetHosts(before, after);
      if (after.status === 'suspended' && before.status !== 'suspended')
        closeConnections(after.schema, 'suspended');
      return after;
    },

    /**
     * Stops serving at once (hosts forgotten, connections closed, schema dropped), then hands the
     * stored objects to a job: a tenant with many images is not deleted inside a request, and a
     * crash mid-way resumes where it stopped. The slug stays taken until the job is done.
     * Retry-safe.
     */
    async remove(slug: string): Promise<void> {
      const row = await deps.catalog.bySlug(slug);
      if (!row) throw notFound(slug);
      await locked(row, async () => {
        await deps.catalog.update(slug, { status: 'deleting' });
        await forgetHosts(row);
        closeConnections(row.schema, 'deleted');
        await dropSchema(deps.shards.get(row.shard).directUrl, quoteSchema(row.schema));
        await deps.jobs.send([
          {
            queue: TENANT_OBJECTS_QUEUE,
            data: { slug, schema: row.schema } satisfies TenantObjectsJob,
            // Per tenant incarnation: a slug re-created and deleted again is a new job.
            key: `${row.schema}:${row.createdAt.toISOString()}`,
          },
        ]);
      });
    },

    /** Defines the tenant-objects queue and works it on this instance. */
    async startWorkers(leaseSeconds: number): Promise<void> {
      await deps.jobs.define([
        { name: TENANT_OBJECTS_QUEUE, retryLimit: 10, retryDelaySeconds: 5, expireInSeconds: leaseSeconds },
      ]);
      await deps.jobs.work<TenantObjectsJob>(TENANT_OBJECTS_QUEUE, 1, async ({ slug, schema }) => {
        const keys = await deps.storage.list(`${schema}/`);
        // Batches (S3 DeleteObjects); a job run again after a crash lists what is left and goes on.
        await deps.storage.deleteMany(keys);
        const row = await deps.catalog.bySlug(slug);
        // Only the incarnation this job was for (never a tenant created since with the slug).
        if (row && row.status === 'deleting' && row.schema === schema) await deps.catalog.remove(slug);
        deps.log.info({ tenant: slug, schema, objects: keys.length }, 'tenant deleted');
      });
    },
  };
}

export type TenantProvisioning = ReturnType<typeof createTenantProvisioning>;
