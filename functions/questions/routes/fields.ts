/** What clients may write, as JSON Schemas. */
import { requiredText } from '../../kit';

export const questionFields = {
  title: requiredText(255),
  body: requiredText(65_535),
  category: { type: ['string', 'null'], maxLength: 100 },
  is_published: { type: 'boolean', description: 'Published questions show on the public FAQ (default true).' },
  position: { type: 'integer', minimum: 0, maximum: 1_000_000, description: 'Place in the FAQ, smallest first (default 0; ties by id).' },
};

export const answerFields = {
  body: requiredText(65_535),
  is_accepted: { type: 'boolean', description: 'The accepted answer comes first; accepting one un-accepts the others.' },
};

export const answerParams = {
  type: 'object',
  required: ['id', 'aid'],
  properties: { id: { type: 'integer', minimum: 1 }, aid: { type: 'integer', minimum: 1 } },
};

export const QUESTION_SORTS = ['position', 'id', 'title', 'views', 'created_at', 'updated_at'];
export const ANSWER_SORTS = ['id', 'created_at', 'updated_at'];

/** List filters: `category` exactly, `search` in the title and body. */
export const questionFilters = { category: { type: 'string', maxLength: 100 }, search: { type: 'string', maxLength: 100 } };
