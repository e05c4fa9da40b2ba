-- Host mode's catalog (schema public): one row per tenant, and the control plane's audit log.
CREATE TABLE tenants (
  id bigserial PRIMARY KEY,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z][a-z0-9-]{1,30}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  plan text NOT NULL CHECK (plan IN ('chat', 'brand', 'team')),
  -- provisioning: created but not yet migrated and seeded (a retried create resumes it);
  -- deleting: being torn down. Neither is served.
  status text NOT NULL DEFAULT 'provisioning'
    CHECK (status IN ('provisioning', 'active', 'suspended', 'deleting')),
  custom_domain text UNIQUE CHECK (custom_domain = lower(custom_domain)),
  schema_name text NOT NULL UNIQUE CHECK (schema_name ~ '^[a-z_][a-z0-9_]*$'),
  -- The database cluster holding the schema (docs/CLUSTER.md phase 4); one shard, "main", for now.
  shard text NOT NULL DEFAULT 'main',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE host_audit (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  action text NOT NULL,
  slug text,
  outcome text NOT NULL,
  ip text,
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX host_audit_at ON host_audit (at DESC);
