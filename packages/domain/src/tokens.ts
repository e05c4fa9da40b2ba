import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** Session tokens: HS256 JWTs naming the session, the user and the tenant schema. */
export interface TokenClaims {
  sid: string;
  uid: number;
  sch: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TokenSigner {
  sign(claims: TokenClaims, ttlSeconds: number): string;
  /** The claims, or null for a malformed, forged or expired token. */
  verify(token: string): TokenClaims | null;
}

export function createTokenSigner(secret: string): TokenSigner {
  // A KeyObject made once: given a string, jsonwebtoken first tries to parse it as a public key
  // on every verify (and throws), which was ~10% of an instance's CPU in `pnpm bench`.
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  return {
    sign: (claims, ttlSeconds) => jwt.sign(claims, key, { algorithm: 'HS256', expiresIn: ttlSeconds }),
    verify(token) {
      try {
        const decoded = jwt.verify(token, key, { algorithms: ['HS256'] });
        if (typeof decoded !== 'object' || decoded === null) return null;
        const { sid, uid, sch } = decoded as Record<string, unknown>;
        if (typeof sid !== 'string' || typeof uid !== 'number' || typeof sch !== 'string') return null;
        // A validly signed token with a session id Postgres cannot parse is still no session.
        if (!UUID.test(sid) || !Number.isSafeInteger(uid)) return null;
        return { sid, uid, sch };
      } catch {
        return null;
      }
    },
  };
}
