/**
 * A tenant's keys that one script touches together start with the schema in braces, a Redis
 * Cluster hash tag: `{tenant_acme}:presence:conns`. The cluster then keeps them in one slot
 * (so one master runs the script), and the key still starts with its tenant. Keys used one at a
 * time (rate limits) stay untagged, so they spread over the masters.
 */
export function tenantTag(schema: string): string {
  return `{${schema}}`;
}
