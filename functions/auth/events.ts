import type { EventDeclaration } from '../kit';

export const USER_REGISTERED = 'ecommerce.auth.user.registered';
export const USER_ROLES_CHANGED = 'ecommerce.auth.user.roles-changed';

const names = { type: 'array', items: { type: 'string' } };

export const authEvents: EventDeclaration[] = [
  {
    type: USER_REGISTERED,
    description: 'A customer account was created.',
    schema: {
      type: 'object',
      required: ['id', 'firstname', 'lastname', 'email', 'newsletter_consent', 'created_at'],
      properties: {
        id: { type: 'integer' },
        firstname: { type: 'string' },
        lastname: { type: 'string' },
        email: { type: 'string', format: 'email' },
        newsletter_consent: { type: 'boolean', description: 'the customer asked for the newsletter at registration' },
        created_at: { type: 'string', format: 'date-time' },
      },
    },
  },
  {
    type: USER_ROLES_CHANGED,
    description: "A user's roles or direct permissions changed; the user's earlier tokens are refused everywhere, and refresh exchanges one for a token carrying the new grants.",
    schema: {
      type: 'object',
      required: ['user_id', 'roles', 'permissions'],
      properties: { user_id: { type: 'integer' }, roles: names, permissions: names },
    },
  },
];
