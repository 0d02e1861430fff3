export { createHttpApp, type HttpApp, type HttpOptions, type SignedInUser } from './app.ts';
export { BadCursorError, cursorParam, type Page } from './cursor.ts';
export {
  conflict,
  type ErrorCode,
  type FieldProblem,
  forbidden,
  fromZodError,
  HttpError,
  notFound,
  sendError,
  unauthenticated,
  validationFailed,
} from './errors.ts';
export {
  httpsUrl,
  id,
  idParam,
  multiLine,
  singleLine,
  storedHeader,
  TEXT_MESSAGES,
  TIME_MESSAGES,
  textProblem,
  timestamp,
} from './fields.ts';
export { hasRole, type Role, requireRole, requireUser } from './guards.ts';
export { requestMetadata } from './metadata.ts';
export { createPublicCache, PUBLIC_CACHE_CONTROL, type PublicCache } from './public-cache.ts';
export { errorBody, errors, listOf } from './schemas.ts';
export { type ApiCall, mountWeb } from './web.ts';
