/**
 * Entry of the one-file bundle that cold-start-breakdown.ts compares with dist/ (an experiment:
 * the platform does not ship a bundle). Made with esbuild, see bench/RESULTS.md. Serves the gateway
 * only: catalog.ts loads the services with a computed require that the bundler cannot follow.
 */
import { serve } from '../functions/host';
import { env, envInt } from '../functions/kit/config';

serve(env('FUNCTION_TARGET', ''), envInt('PORT', 8080));
