-- Phase 4: a tenant moved to another shard is announced at commit, so every instance routes
-- its next query to the new shard (change notices, channel rosterchirp_changes).
CREATE OR REPLACE FUNCTION public.notify_tenant_moved() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.shard IS DISTINCT FROM OLD.shard THEN
    PERFORM pg_notify('rosterchirp_changes', 'tenant:' || NEW.schema_name || ':0');
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER tenants_moved AFTER UPDATE OF shard ON public.tenants
  FOR EACH ROW EXECUTE FUNCTION public.notify_tenant_moved();

CREATE INDEX tenants_shard ON public.tenants (shard) WHERE status <> 'deleting';
