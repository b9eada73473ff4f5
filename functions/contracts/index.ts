/**
 * Every event contract between services, and the readers consumers use. A producer lists
 * `declarationsOf(...)` in its `emits`; a consumer reads data with `contractData(type)`.
 */
import { PermanentEventError, type EventDeclaration, type ReceivedEvent } from '../kit/events/declarations';
import { compile, fieldErrors } from '../kit/validation';
import { authEvents } from '../auth/events';
import { commerceEvents } from './commerce';
import { engagementEvents } from './engagement';

const contracts: Record<string, EventDeclaration> = {
  ...Object.fromEntries(authEvents.map((declaration) => [declaration.type, declaration])),
  ...commerceEvents,
  ...engagementEvents,
};

function contractOf(type: string): EventDeclaration {
  const contract = contracts[type];
  if (!contract) throw new Error(`no contract for event type "${type}"`);
  return contract;
}

/**
 * A consumer's reader of one event type's data: checked against the contract (on a copy, since
 * validation strips and coerces), and a permanent failure when it does not match: it can never apply.
 */
export function contractData<T>(type: string): (event: ReceivedEvent) => T {
  const contract = contractOf(type);
  let check: ReturnType<typeof compile> | undefined; // compiled at the first event, not at a cold start
  return (event) => {
    check ??= compile(contract.schema);
    const data = structuredClone(event.data);
    if (!check(data)) throw new PermanentEventError(`invalid ${type} data: the data does not match its contract: ${JSON.stringify(fieldErrors(check.errors ?? [], 'data'))}`);
    return data as T;
  };
}

/** The declarations a producer lists in its `emits`. */
export const declarationsOf = (...types: string[]): EventDeclaration[] => types.map(contractOf);
