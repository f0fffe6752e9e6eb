export * from './http/body-reader';
export * from './http/request-target';
export * from './http/timer-registry';
export * from './faults/fault-list';
export * from './control/json-body';
export * from './process/simulator-main';
