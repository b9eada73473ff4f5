import { crudRoutes, idParams, listQuerySchema, reply, route, type ListQuery } from '../../kit';
import { Answer, Question } from '../database';
import { acceptOnly, answerJson, answerOr404, answersOf, changeAnswers, listQuestions, questionJson, questionOr404, whereOf, type QuestionFilters } from '../questions';
import { forgetSearches } from '../search';
import { ANSWER_SORTS, answerFields, answerParams, QUESTION_SORTS, questionFields, questionFilters } from './fields';

const manage = { permission: 'settings.update' };

type AnswerBody = { body?: string; is_accepted?: boolean };

const questionRoutes = [
  route<{}, QuestionFilters>({
    method: 'GET', path: '/questions', summary: 'Every question, published or not (filters `category`, `is_published`, `search` in title and body)', access: manage,
    query: listQuerySchema(QUESTION_SORTS, { ...questionFilters, is_published: { type: 'boolean' } }),
    handler: ({ query }) => listQuestions(whereOf(query), query),
  }),
  route<{ id: number }>({
    method: 'GET', path: '/questions/:id', summary: 'One question with its answers', access: manage, params: idParams,
    handler: async ({ params }) => questionJson(await questionOr404(params.id)),
  }),
  ...crudRoutes({
    model: Question, noun: 'question', path: '/questions', only: ['create', 'update', 'delete'],
    access: { list: manage, show: manage, create: manage, update: manage, delete: manage },
    fields: questionFields, required: ['title', 'body'],
    include: [{ model: Answer, as: 'answers' }],
    toJson: questionJson,
    afterWrite: async (_action, _row, transaction) => transaction.afterCommit(forgetSearches),
  }),
];

const answerRoutes = [
  route<{ id: number }, ListQuery>({
    method: 'GET', path: '/questions/:id/answers', summary: "A question's answers, accepted first", access: manage,
    params: idParams, query: listQuerySchema(ANSWER_SORTS),
    handler: async ({ params, query }) => {
      await questionOr404(params.id);
      return answersOf(params.id, query);
    },
  }),
  route<{ id: number; aid: number }>({
    method: 'GET', path: '/questions/:id/answers/:aid', summary: 'One answer', access: manage, params: answerParams,
    handler: async ({ params }) => {
      await questionOr404(params.id);
      return answerJson(await answerOr404(params.id, params.aid));
    },
  }),
  route<{ id: number }, {}, Required<Pick<AnswerBody, 'body'>> & AnswerBody>({
    method: 'POST', path: '/questions/:id/answers', summary: 'Answer a question', access: manage,
    params: idParams, body: { type: 'object', required: ['body'], properties: answerFields },
    handler: async ({ params, body }) => {
      const answer = await changeAnswers(params.id, async (transaction) => {
        const created = await Answer.create({ question_id: params.id, body: body.body, is_accepted: body.is_accepted ?? false }, { transaction });
        if (created.is_accepted) await acceptOnly(created, transaction);
        return created;
      });
      return reply.created(answerJson(await answerOr404(params.id, answer.id)));
    },
  }),
  route<{ id: number; aid: number }, {}, AnswerBody>({
    method: 'PUT', path: '/questions/:id/answers/:aid', summary: 'Change an answer (only the fields sent)', access: manage,
    params: answerParams, body: { type: 'object', properties: answerFields },
    handler: async ({ params, body }) => {
      await changeAnswers(params.id, async (transaction) => {
        const answer = await answerOr404(params.id, params.aid, transaction);
        await answer.update(body, { transaction });
        if (body.is_accepted) await acceptOnly(answer, transaction);
      });
      return answerJson(await answerOr404(params.id, params.aid));
    },
  }),
  route<{ id: number; aid: number }>({
    method: 'DELETE', path: '/questions/:id/answers/:aid', summary: 'Delete an answer', access: manage, params: answerParams, response: { status: 204 },
    handler: async ({ params }) => {
      await changeAnswers(params.id, async (transaction) => (await answerOr404(params.id, params.aid, transaction)).destroy({ transaction }));
      return reply.noContent();
    },
  }),
];

export const adminRoutes = [...questionRoutes, ...answerRoutes];
