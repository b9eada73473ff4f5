import { DataTypes, Model, type CreationOptional, type InferAttributes, type InferCreationAttributes, type NonAttribute, type Sequelize } from 'sequelize';
import { serviceDatabase } from '../kit';

export class Question extends Model<InferAttributes<Question>, InferCreationAttributes<Question>> {
  declare id: CreationOptional<number>;
  declare title: string;
  declare body: string;
  declare category: string | null;
  declare is_published: CreationOptional<boolean>;
  declare position: CreationOptional<number>;
  declare views: CreationOptional<number>;
  /** The bodies of its live answers, one after the other: what the search looks in (never answered). */
  declare answers_text: CreationOptional<string>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare deleted_at: CreationOptional<Date | null>;
  declare answers?: NonAttribute<Answer[]>;
}

export class Answer extends Model<InferAttributes<Answer>, InferCreationAttributes<Answer>> {
  declare id: CreationOptional<number>;
  declare question_id: number;
  declare body: string;
  declare is_accepted: CreationOptional<boolean>;
  declare created_at: CreationOptional<Date>;
  declare updated_at: CreationOptional<Date>;
  declare deleted_at: CreationOptional<Date | null>;
}

function defineModels(sequelize: Sequelize) {
  const id = { type: DataTypes.INTEGER.UNSIGNED, autoIncrement: true, primaryKey: true };
  const stamps = { created_at: DataTypes.DATE, updated_at: DataTypes.DATE, deleted_at: DataTypes.DATE };
  const paranoid = { sequelize, paranoid: true, deletedAt: 'deleted_at' } as const;
  Question.init(
    {
      id,
      title: { type: DataTypes.STRING, allowNull: false },
      body: { type: DataTypes.TEXT, allowNull: false },
      category: DataTypes.STRING(100),
      is_published: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      position: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      views: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false, defaultValue: 0 },
      answers_text: { type: DataTypes.TEXT('medium'), allowNull: false, defaultValue: '' },
      ...stamps,
    },
    { ...paranoid, tableName: 'questions' },
  );
  Answer.init(
    {
      id,
      question_id: { type: DataTypes.INTEGER.UNSIGNED, allowNull: false },
      body: { type: DataTypes.TEXT, allowNull: false },
      is_accepted: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      ...stamps,
    },
    { ...paranoid, tableName: 'answers' },
  );
  Question.hasMany(Answer, { as: 'answers', foreignKey: 'question_id' });
  return { Question, Answer };
}

export const db = serviceDatabase('questions', defineModels);
// Routes use the model classes directly (crudRoutes): define them now; no connection opens before a query.
void db.models;
