import { literal, Op, type FindAttributeOptions, type Order, type Transaction, type WhereOptions } from 'sequelize';
import { escapeLike, notFound, paginate, type ListQuery } from '../kit';
import { Answer, db, Question } from './database';
import { forgetSearches } from './search';

/** Answers as a FAQ shows them: the accepted one first, then in the order they were written. */
export const ANSWER_ORDER: Order = [['is_accepted', 'DESC'], ['id', 'ASC']];
/** The FAQ's order: by position, then by id. */
export const FAQ_ORDER: Order = [['position', 'ASC'], ['id', 'ASC']];

export const answerJson = (answer: Answer) => ({
  id: answer.id,
  question_id: answer.question_id,
  body: answer.body,
  is_accepted: Boolean(answer.is_accepted),
  created_at: answer.created_at,
  updated_at: answer.updated_at,
});

export function questionJson(question: Question) {
  const json = {
    id: question.id,
    title: question.title,
    body: question.body,
    category: question.category,
    is_published: Boolean(question.is_published),
    position: question.position,
    views: question.views,
    created_at: question.created_at,
    updated_at: question.updated_at,
  };
  const answersCount = question.get('answers_count');
  if (answersCount !== undefined) return { ...json, answers_count: Number(answersCount) };
  if (question.answers) return { ...json, answers: sortAnswers(question.answers).map(answerJson) };
  return json;
}

const sortAnswers = (answers: Answer[]) => [...answers].sort((a, b) => Number(b.is_accepted) - Number(a.is_accepted) || a.id - b.id);

const answersCount = literal('(SELECT COUNT(*) FROM answers a WHERE a.question_id = `Question`.`id` AND a.deleted_at IS NULL)');
const LIST_ATTRIBUTES: FindAttributeOptions = { exclude: ['answers_text', 'deleted_at'], include: [[answersCount, 'answers_count']] };

export type QuestionFilters = ListQuery & { category?: string; is_published?: boolean; search?: string };

/** The questions a list's filters keep (an empty `search` keeps all). */
export function whereOf(query: QuestionFilters): WhereOptions<Question> {
  const search = query.search?.trim();
  const like = search ? `%${escapeLike(search)}%` : undefined;
  return {
    ...(query.category ? { category: query.category } : {}),
    ...(query.is_published !== undefined ? { is_published: query.is_published } : {}),
    ...(like ? { [Op.or]: [{ title: { [Op.like]: like } }, { body: { [Op.like]: like } }] } : {}),
  };
}

/** One page of questions with their answer counts; the FAQ's order unless `sort` asks otherwise. */
export async function listQuestions(where: WhereOptions<Question>, query: ListQuery) {
  const page = await paginate(Question, query, { where, attributes: LIST_ATTRIBUTES, ...(query.sort ? {} : { order: FAQ_ORDER }) });
  return { ...page, data: page.data.map(questionJson) };
}

/** A question with its answers; `published` hides an unpublished one as unknown (404). */
export async function questionOr404(id: number, { published = false, transaction }: { published?: boolean; transaction?: Transaction } = {}) {
  const question = await Question.findOne({
    where: { id, ...(published ? { is_published: true } : {}) },
    include: [{ model: Answer, as: 'answers' }],
    transaction,
  });
  if (!question) throw notFound('The question does not exist.');
  return question;
}

/** Counts a public view and answers the question as it is after it. */
export async function viewQuestion(id: number) {
  await db.sequelize.query('UPDATE questions SET views = views + 1 WHERE id = ? AND is_published = 1 AND deleted_at IS NULL', { replacements: [id] });
  return questionOr404(id, { published: true });
}

export async function answersOf(questionId: number, query: ListQuery) {
  const page = await paginate(Answer, query, { where: { question_id: questionId }, ...(query.sort ? {} : { order: ANSWER_ORDER }) });
  return { ...page, data: page.data.map(answerJson) };
}

export async function answerOr404(questionId: number, answerId: number, transaction?: Transaction) {
  const answer = await Answer.findOne({ where: { id: answerId, question_id: questionId }, transaction });
  if (!answer) throw notFound('The answer does not exist.');
  return answer;
}

/**
 * A change to a question's answers, with the question's row locked (one question's answers change
 * one after the other): afterwards the search text holds its live answers and at most one is accepted.
 */
export async function changeAnswers<T>(questionId: number, change: (transaction: Transaction) => Promise<T>): Promise<T> {
  return db.sequelize.transaction(async (transaction) => {
    const question = await Question.findByPk(questionId, { transaction, lock: transaction.LOCK.UPDATE, attributes: ['id'] });
    if (!question) throw notFound('The question does not exist.');
    transaction.afterCommit(forgetSearches);
    const result = await change(transaction);
    await db.sequelize.query(
      `UPDATE questions SET answers_text = COALESCE((SELECT GROUP_CONCAT(body ORDER BY id SEPARATOR '\\n') FROM answers
         WHERE question_id = ? AND deleted_at IS NULL), '') WHERE id = ?`,
      { replacements: [questionId, questionId], transaction },
    );
    return result;
  });
}

/** The accepted answer is the only one accepted. */
export async function acceptOnly(answer: Answer, transaction: Transaction) {
  await Answer.update({ is_accepted: false }, { where: { question_id: answer.question_id, is_accepted: true, id: { [Op.ne]: answer.id } }, transaction });
}
