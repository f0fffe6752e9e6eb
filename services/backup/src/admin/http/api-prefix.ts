/**
 * Versioned prefix of every admin route. On its own so that anything needing the path (filters,
 * middleware) can import it without the controllers' decorators and their guards.
 */
export const API_PREFIX = 'api/v1';
