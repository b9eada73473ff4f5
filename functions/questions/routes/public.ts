import { fieldError, idParams, listQuerySchema, route, type ListQuery } from '../../kit';
import { answerJson, answerOr404, answersOf, listQuestions, questionJson, questionOr404, viewQuestion, whereOf, type QuestionFilters } from '../questions';
import { searchQuestions, type SearchQuery } from '../search';
import { ANSWER_SORTS, answerParams, QUESTION_SORTS, questionFilters } from './fields';

const MIN_QUERY_LENGTH = 2;

/** Search results come in their ranking's order: no `sort`. */
function withoutSort(schema: Record<string, any>) {
  const { sort: _sort, ...properties } = schema.properties;
  return { ...schema, properties };
}

/** The published FAQ: anything unpublished (or deleted) is as unknown as a missing one. */
export const publicRoutes = [
  route<{}, QuestionFilters>({
    method: 'GET', path: '/public/questions', summary: 'The published FAQ, by position then id (filters `category`, `search` in title and body)', access: 'public',
    query: listQuerySchema(QUESTION_SORTS, questionFilters),
    handler: ({ query }) => listQuestions(whereOf({ ...query, is_published: true }), query),
  }),
  route<{ id: number }>({
    method: 'GET', path: '/public/questions/:id', summary: 'One published question with its answers (accepted first); counts a view', access: 'public',
    params: idParams,
    handler: async ({ params }) => questionJson(await viewQuestion(params.id)),
  }),
  route<{ id: number }, ListQuery>({
    method: 'GET', path: '/public/questions/:id/answers', summary: "A published question's answers, accepted first", access: 'public',
    params: idParams, query: listQuerySchema(ANSWER_SORTS),
    handler: async ({ params, query }) => {
      await questionOr404(params.id, { published: true });
      return answersOf(params.id, query);
    },
  }),
  route<{ id: number; aid: number }>({
    method: 'GET', path: '/public/questions/:id/answers/:aid', summary: 'One answer of a published question', access: 'public',
    params: answerParams,
    handler: async ({ params }) => {
      await questionOr404(params.id, { published: true });
      return answerJson(await answerOr404(params.id, params.aid));
    },
  }),
  route<{}, SearchQuery>({
    method: 'GET', path: '/public/search', summary: 'Search the published FAQ (titles, bodies, answers), ranked; `q` of 2+ characters', access: 'public',
    query: withoutSort({ ...listQuerySchema([], { q: { type: 'string', maxLength: 200 }, category: questionFilters.category }), required: ['q'] }),
    handler: ({ query }) => {
      query.q = query.q.trim();
      if (query.q.length < MIN_QUERY_LENGTH) throw fieldError('q', `The q must be at least ${MIN_QUERY_LENGTH} characters.`);
      return searchQuestions(query);
    },
  }),
];
