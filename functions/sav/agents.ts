import { callService, fieldError, forbidden, unavailable, type Caller } from '../kit';
import { isAgent } from './access';

interface AuthUser {
  id: number;
  roles: string[];
  permissions: string[];
}

/**
 * A ticket is assigned to a support agent only: a user auth knows, holding a support permission.
 * Auth is asked with the caller's own token (users.view, which every support role holds).
 */
export async function ensureAgent(userId: number, caller: Caller): Promise<void> {
  if (userId === caller.id && isAgent(caller)) return;
  const answer = await callService<AuthUser>('auth', `/users/${userId}`, { timeoutMs: 5_000 });
  if (answer.status === 404) throw fieldError('assigned_to', 'No user has this id.');
  if (answer.status === 401 || answer.status === 403) throw forbidden('Assigning a ticket to someone else needs the users.view permission (to check they are an agent).');
  if (answer.status !== 200) throw unavailable('The auth service could not say who this user is; nothing was changed.');
  const user = answer.body;
  if (!isAgent({ ...user, email: '', jti: '', exp: 0 })) throw fieldError('assigned_to', 'This user is not a support agent.');
}
