import type { Sequelize } from 'sequelize';
import { connect } from './db';

/** A service's database and models, connected on first use (a cold start that needs no query opens no pool). */
export interface ServiceDatabase<M> {
  readonly sequelize: Sequelize;
  readonly models: M;
}

export function serviceDatabase<M>(service: string, defineModels: (sequelize: Sequelize) => M): ServiceDatabase<M> {
  let sequelize: Sequelize | undefined;
  let models: M | undefined;
  return {
    get sequelize() {
      return (sequelize ??= connect(service));
    },
    get models() {
      return (models ??= defineModels(this.sequelize));
    },
  };
}
