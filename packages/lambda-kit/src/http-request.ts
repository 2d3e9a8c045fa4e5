import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Principal } from './principal';

/** What a handler gets: validated input plus who is calling and the ids to log and propagate. */
export interface HttpRequest<B = undefined, Q = Record<string, never>, P = Record<string, never>> {
  readonly body: B;
  readonly query: Q;
  readonly path: P;
  /** Header names are lower-cased; when a name is repeated the last value wins. */
  readonly headers: Readonly<Record<string, string>>;
  readonly principal: Principal | null;
  readonly requestId: string;
  readonly correlationId: string;
}

/** The event's headers with lower-cased names, so lookups do not depend on how the client spelled them. */
export const headersOf = (event: APIGatewayProxyEvent): Readonly<Record<string, string>> => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (typeof value === 'string') {
      headers[name.toLowerCase()] = value;
    }
  }
  return Object.freeze(headers);
};
