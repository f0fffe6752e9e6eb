export const BATCH_CONSUMER = Symbol('BATCH_CONSUMER');
export const PIPELINE_METRICS = Symbol('PIPELINE_METRICS');
