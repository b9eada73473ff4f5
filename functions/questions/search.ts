import { envInt, pageOf, ShortLived, statements, type ListQuery } from '../kit';

/**
 * The FAQ search, ranked: a question whose title matches comes before one that matches only in its
 * body or answers; then by relevance (title ×3, body ×2, answers ×1), then in the FAQ's order.
 *
 * Words at least as long as InnoDB's smallest indexed token go through the FULLTEXT indexes in
 * boolean mode, each as a prefix (`ship*` finds "shipping"). Shorter words ("tv", "5g") are not
 * in a FULLTEXT index: a query made only of them, or one the index finds nothing for (stopwords
 * such as "what"), falls back to matching the start of words with REGEXP.
 *
 * Pages are reused for `QUESTIONS_SEARCH_CACHE_MS` (1 s); every question or answer change made
 * here forgets them when it commits (another replica's show within that delay).
 */
const sql = statements('questions');
const MAX_TERMS = 8;
const COLUMNS = 'id, title, body, category, is_published, position, views, created_at, updated_at';

export interface SearchQuery extends ListQuery {
  q: string;
  category?: string;
}

interface Row {
  id: number; title: string; body: string; category: string | null; is_published: number; position: number; views: number;
  created_at: Date; updated_at: Date; title_rank: number; relevance: number;
}

/** Lower-case words of the query, without operators or punctuation, each once. */
export const termsOf = (q: string): string[] => [...new Set(q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].slice(0, MAX_TERMS);

let minTokenSize: Promise<number> | undefined;
/** The server's `innodb_ft_min_token_size` (3 by default): shorter words are not indexed. */
const indexedLength = () => (minTokenSize ??= sql.select<{ size: number }>('SELECT @@innodb_ft_min_token_size AS size').then(([row]) => Number(row.size)));

interface Plan {
  /** What the row's title, body and answers each score (SQL), in that order, and their parameters. */
  scores: [string, string, string];
  scoreParams: string[];
  /** Which rows match. */
  match: string;
  matchParams: string[];
}

function fulltextPlan(words: string[]): Plan {
  const against = words.map((word) => `${word}*`).join(' ');
  const score = (columns: string) => `MATCH(${columns}) AGAINST (? IN BOOLEAN MODE)`;
  return {
    scores: [score('title'), score('body'), score('answers_text')],
    scoreParams: [against, against, against],
    match: score('title, body, answers_text'),
    matchParams: [against],
  };
}

function wordStartPlan(words: string[]): Plan {
  // LIKE first: the regular expression only runs on the rows that hold the word somewhere.
  const terms = words.map((word) => [`%${word}%`, `(^|[^[:alnum:]])${word}`]);
  const hit = (column: string) => `(${column} LIKE ? AND ${column} REGEXP ?)`;
  const hits = (column: string) => terms.map(() => hit(column)).join(' + ');
  return {
    scores: [hits('title'), hits('body'), hits('answers_text')],
    scoreParams: [0, 1, 2].flatMap(() => terms.flat()),
    match: terms.map(() => `(${hit('title')} OR ${hit('body')} OR ${hit('answers_text')})`).join(' OR '),
    matchParams: terms.flatMap((term) => [...term, ...term, ...term]),
  };
}

/** One statement: the page in its ranking's order, and (through the window) how many rows match. */
async function run(plan: Plan, query: SearchQuery) {
  const where = `is_published = 1 AND deleted_at IS NULL${query.category ? ' AND category = ?' : ''} AND (${plan.match})`;
  const whereParams = [...(query.category ? [query.category] : []), ...plan.matchParams];
  const [title, body, answers] = plan.scores;
  const rows = await sql.select<Row & { total: number }>(
    `SELECT ${COLUMNS}, title_rank, 3 * title_rank + 2 * body_rank + answers_rank AS relevance, total
     FROM (SELECT ${COLUMNS}, ${title} AS title_rank, ${body} AS body_rank, ${answers} AS answers_rank, COUNT(*) OVER () AS total
           FROM questions WHERE ${where}) ranked
     ORDER BY title_rank > 0 DESC, relevance DESC, position, id LIMIT ? OFFSET ?`,
    [...plan.scoreParams, ...whereParams, query.per_page, (query.page - 1) * query.per_page],
  );
  if (rows.length || query.page === 1) return { total: rows.length ? Number(rows[0].total) : 0, rows };
  // A page past the last one: the total still says how many there are.
  const [counted] = await sql.select<{ total: number }>(`SELECT COUNT(*) AS total FROM questions WHERE ${where}`, whereParams);
  return { total: Number(counted.total), rows };
}

const resultJson = (row: Row) => ({
  id: row.id, title: row.title, body: row.body, category: row.category, is_published: Boolean(row.is_published), position: row.position,
  views: row.views, relevance: Math.round(Number(row.relevance) * 1000) / 1000, created_at: row.created_at, updated_at: row.updated_at,
});

const searches = new ShortLived<ReturnType<typeof pageOf>>(() => envInt('QUESTIONS_SEARCH_CACHE_MS', 1000));

/** Called when a question or answer change commits. */
export const forgetSearches = () => searches.clear();

export function searchQuestions(query: SearchQuery) {
  const words = termsOf(query.q);
  const key = JSON.stringify([words, query.category ?? null, query.page, query.per_page]);
  return searches.get(key, async () => {
    if (!words.length) return pageOf([], 0, query);
    const minimum = await indexedLength();
    const indexable = words.filter((word) => word.length >= minimum);
    let found = indexable.length ? await run(fulltextPlan(indexable), query) : { total: 0, rows: [] as Row[] };
    if (!found.total) found = await run(wordStartPlan(words), query);
    return pageOf(found.rows.map(resultJson), found.total, query);
  });
}
