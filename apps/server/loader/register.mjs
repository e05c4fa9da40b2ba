// The server's TypeScript loader: `node --import ./apps/server/loader/register.mjs src/server.ts`.
// Each .ts file is transformed on its own by esbuild (types stripped; the code's names kept as
// written). tsx, used by tests and tools, transforms with esbuild's keepNames, which wraps every
// function the code creates in a call that redefines its `name`: each closure made per request
// or per connection then carries its own property table (~250 bytes) and a defineProperty call.
// ARCHITECTURE.md, "Memory per idle connection", has the numbers.
import { register } from 'node:module';

process.setSourceMapsEnabled(true);
register('./typescript-hooks.mjs', import.meta.url);
