export * from './data-source/data-source.factory';
export * from './data-source/database-health';
export * from './entities';
export { MIGRATIONS } from './migrations';
export * from './errors/database-error.translator';
export * from './data-source/translated-queries';
