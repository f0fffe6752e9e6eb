export { parseRetryAfter } from './retry-after';
export {
  BASE64_BLOB_PATTERN,
  BEARER_TOKEN_PATTERN,
  type SanitizeOptions,
  sanitizeServerText,
} from './server-text.sanitizer';
