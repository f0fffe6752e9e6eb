export * from './support/unique-name';
export * from './support/silent-logger';
export * from './support/wait-for';
export * from './database/test-database';
export * from './kafka/test-kafka';
export * from './cyberark-simulator/simulator-control.types';
export * from './cyberark-simulator/simulator-control.client';
export * from './cyberark-simulator/simulator-process';
export { REPO_ROOT } from './stack/stack-env';
