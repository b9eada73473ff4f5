import { DataTypes } from 'sequelize';
import type { Migration } from '../kit';

const id = { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true };
const stamps = {
  created_at: { type: DataTypes.DATE, allowNull: false },
  updated_at: { type: DataTypes.DATE, allowNull: false },
  deleted_at: { type: DataTypes.DATE, allowNull: true },
};

export const migrations: Migration[] = [
  {
    name: '001-questions-answers',
    async up(queryInterface, sequelize) {
      await queryInterface.createTable('questions', {
        id,
        title: { type: DataTypes.STRING, allowNull: false },
        body: { type: DataTypes.TEXT, allowNull: false },
        category: { type: DataTypes.STRING(100), allowNull: true },
        is_published: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
        position: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        views: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
        answers_text: { type: DataTypes.TEXT('medium'), allowNull: false },
        ...stamps,
      });
      // The published FAQ in its order, and by category.
      await queryInterface.addIndex('questions', ['is_published', 'deleted_at', 'position', 'id'], { name: 'questions_published_order' });
      await queryInterface.addIndex('questions', ['category', 'position'], { name: 'questions_category' });
      // The search: one index over everything to find rows, one per field to rank them (InnoDB
      // only computes MATCH on a column list that is exactly a FULLTEXT index).
      await sequelize.query(
        `ALTER TABLE questions ADD FULLTEXT INDEX questions_search (title, body, answers_text),
           ADD FULLTEXT INDEX questions_search_title (title), ADD FULLTEXT INDEX questions_search_body (body),
           ADD FULLTEXT INDEX questions_search_answers (answers_text)`,
      );
      await queryInterface.createTable('answers', {
        id,
        question_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, references: { model: 'questions', key: 'id' }, onDelete: 'CASCADE' },
        body: { type: DataTypes.TEXT, allowNull: false },
        is_accepted: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        ...stamps,
      });
      await queryInterface.addIndex('answers', ['question_id', 'is_accepted', 'id'], { name: 'answers_question' });
    },
    async down(queryInterface) {
      for (const table of ['answers', 'questions']) await queryInterface.dropTable(table);
    },
  },
];
