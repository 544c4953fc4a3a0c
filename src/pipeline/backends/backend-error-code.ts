import { BackendError, type BackendErrorCode } from './llm-backend.js';

/** Codes of failures that are not a `BackendError`. */
export type FailureCode = BackendErrorCode | 'backend_aborted' | 'internal_error';

/** The code of a failure: the BackendError's own, a time-out or abort, else `internal_error`. */
export function failureCode(error: unknown): FailureCode {
  if (error instanceof BackendError) return error.code;
  const name = (error as Error | undefined)?.name;
  if (name === 'TimeoutError') return 'backend_timeout';
  if (name === 'AbortError') return 'backend_aborted';
  return 'internal_error';
}

const MESSAGES: Readonly<Record<FailureCode, string>> = {
  backend_timeout: 'Das hat leider zu lange gedauert. Bitte versuche es gleich noch einmal.',
  backend_unreachable:
    'Die Maschine, die dein Bild macht, ist gerade nicht erreichbar. Bitte versuche es später noch einmal.',
  backend_http_error: 'Da ist leider etwas schiefgegangen. Bitte versuche es gleich noch einmal.',
  backend_bad_answer: 'Da ist leider etwas schiefgegangen. Bitte versuche es gleich noch einmal.',
  backend_generation_failed:
    'Das Erzeugen hat leider nicht geklappt. Bitte versuche es noch einmal.',
  backend_misconfigured: 'Diese Ausgabe ist gerade nicht verfügbar. Bitte wähle eine andere aus.',
  backend_aborted: 'Das wurde abgebrochen. Bitte versuche es noch einmal.',
  internal_error: 'Da ist leider etwas schiefgegangen. Bitte versuche es gleich noch einmal.',
};

/** A message for the child, in German like the block explanations; no URL, no technical detail. */
export function childSafeMessage(code: FailureCode): string {
  return MESSAGES[code];
}
