/**
 * What a request pays to verify its bearer token, side by side in one run: a token seen for the
 * first time (RS256 signature check) against one already verified by this process (the kit keeps
 * verified tokens: functions/kit/jwt.ts), both with the revocation check every request makes.
 * `node dist/bench/token-verification.js`
 */
import '../test/helpers/env';
import { loadavg } from 'node:os';
import { prepareVerification, signToken, verifyToken } from '../functions/kit/jwt';
import { runShutdownHooks } from '../functions/kit/lifecycle';
import { perCall } from './measure';

async function main() {
  await prepareVerification();
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const user = { id: 1, email: 'bench@example.com', roles: ['customer'], permissions: ['products.view', 'orders.view', 'orders.create'] };
  // Distinct tokens, made beforehand (signing is auth's cost, not the verifier's).
  const fresh = Array.from({ length: 60_000 }, () => signToken(user).token);
  let next = 0;
  const first = await perCall(() => verifyToken(fresh[next++ % fresh.length]), 1, 2);
  const known = fresh[0];
  const again = await perCall(() => verifyToken(known), 1, 2);
  console.log(`first sight of a token: ${first.cpu.toFixed(1)} µs CPU per verification`);
  console.log(`a token already verified: ${again.cpu.toFixed(1)} µs CPU per verification (${(first.cpu / again.cpu).toFixed(0)}× less)`);
  await runShutdownHooks();
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
