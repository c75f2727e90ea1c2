/**
 * A refused LTI request: the HTTP status, a stable code (the key of the error page's text in
 * messages/<locale>/lti.json) and an English message that says what is wrong and who can fix it.
 */
export class LtiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly params: Record<string, string>;
  constructor(status: number, code: string, message: string, params: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.params = params;
  }
}
