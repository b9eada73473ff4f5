/**
 * The package's entry for functions-framework: `functions-framework --target=<name>` serves any
 * function of the platform from here. `functions/host.ts` serves the same functions faster.
 */
import { loadAllFunctions } from './catalog';

loadAllFunctions();
