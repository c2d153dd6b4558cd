// Graph-shaped errors. Handlers throw GraphHttpError; the HTTP layer turns it into
// {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}.

export class GraphHttpError extends Error {
  override readonly name = 'GraphHttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function badRequest(message: string, code = 'BadRequest'): GraphHttpError {
  return new GraphHttpError(400, code, message);
}

export function notFound(message: string): GraphHttpError {
  return new GraphHttpError(404, 'itemNotFound', message);
}

export function methodNotAllowed(method: string): GraphHttpError {
  // Graph answers undocumented methods on a known resource with 405 and this wording.
  return new GraphHttpError(405, 'Request_BadRequest', `The HTTP method '${method}' is not allowed for this resource.`);
}

/** The Graph error code a plain status maps to (for injected 'status' faults). */
export function codeForStatus(status: number): string {
  switch (status) {
    case 400:
      return 'BadRequest';
    case 401:
      return 'InvalidAuthenticationToken';
    case 403:
      return 'accessDenied';
    case 404:
      return 'itemNotFound';
    case 405:
      return 'Request_BadRequest';
    case 409:
      return 'conflict';
    case 412:
      return 'preconditionFailed';
    case 429:
      return 'TooManyRequests';
    case 500:
      return 'generalException';
    case 501:
      return 'notSupported';
    case 502:
      return 'badGateway';
    case 503:
      return 'serviceNotAvailable';
    case 504:
      return 'gatewayTimeout';
    default:
      // The real service has been seen answering {"code":"UnknownError","message":""} (reference §5.1).
      return 'UnknownError';
  }
}

export function messageForStatus(status: number): string {
  switch (status) {
    case 429:
      return 'Please retry again later.';
    case 503:
      return 'The service is temporarily unavailable. Please retry later.';
    case 500:
      return 'An internal server error occurred.';
    case 504:
      return 'The gateway timed out.';
    default:
      return '';
  }
}
