import type { MessageSchema } from './dsl.ts';

/** One Kafka API: its key, name and the schemas of its request and response. */
export interface ApiSchema {
  readonly apiKey: number;
  readonly name: string;
  readonly request: MessageSchema;
  readonly response: MessageSchema;
}

export function defineApi(apiKey: number, name: string, request: MessageSchema, response: MessageSchema): ApiSchema {
  const a = request.versions;
  const b = response.versions;
  if (a.min !== b.min || a.max !== b.max) throw new Error(`${name}: request and response version ranges differ`);
  return { apiKey, name, request, response };
}
