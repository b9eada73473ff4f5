/**
 * Entry of the one-file bundle that cold-start-breakdown.ts compares with dist/ (an experiment:
 * the platform does not ship a bundle). Made with esbuild, see bench/RESULTS.md. Serves the gateway
 * and the stubs; not auth, which catalog.ts loads with a computed require that the bundler cannot
 * follow to functions/auth/index.js.
 */
import { serve } from '../functions/host';
import { env, envInt } from '../functions/kit/config';

serve(env('FUNCTION_TARGET', ''), envInt('PORT', 8080));
