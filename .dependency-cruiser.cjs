/**
 * Imports run downhill: protocol ← db ← store, redis ← realtime / rate-limit / tenant-cache, storage / config
 * ← domain ← apps. `pnpm test` runs this check first (`pnpm check:layers`); an uphill import
 * fails it with the rule's name.
 */
const LOW = '^packages/(db|store|realtime|redis|storage|rate-limit|tenant-cache|config|jobs)/';
module.exports = {
  forbidden: [
    {
      name: 'no-unresolvable',
      comment:
        'An import that does not resolve (often a package used without declaring it) hides an edge from these rules.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'protocol-stands-alone',
      comment: 'The protocol (wire types, ports, room names) imports no other package of ours.',
      severity: 'error',
      from: { path: '^packages/protocol/' },
      to: { path: '^(packages/(?!protocol/)|apps/|infra/|loadtest/)' },
    },
    {
      name: 'infrastructure-below-domain',
      comment: 'db, realtime, storage and the other seams never reach up into the domain or an app.',
      severity: 'error',
      from: { path: LOW },
      to: { path: '^(packages/domain/|apps/|loadtest/)' },
    },
    {
      name: 'domain-owns-its-ports',
      comment:
        'The domain talks to fan-out and presence through ports in protocol, never to socket.io, ioredis or realtime.',
      severity: 'error',
      from: { path: '^packages/domain/' },
      to: {
        path: '^(packages/realtime/|apps/|loadtest/)|node_modules/.*/(socket\\.io|ioredis|@socket\\.io|pg-boss)/',
      },
    },
    {
      name: 'domain-code-without-test-services',
      comment: 'Domain sources never use the test and cluster infrastructure (its tests may).',
      severity: 'error',
      from: { path: '^packages/domain/src/' },
      to: { path: '^infra/' },
    },
    {
      name: 'packages-never-import-apps',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^apps/' },
    },
    {
      name: 'web-client-stays-in-the-browser',
      comment: 'The web client shares only the protocol with the server.',
      severity: 'error',
      from: { path: '^apps/web/' },
      to: { path: '^(apps/server/|packages/(?!protocol/))' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // k6 scripts import k6's own modules, which only exist inside k6.
    exclude: { path: '(^|/)(dist|node_modules)/|^loadtest/k6/' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
