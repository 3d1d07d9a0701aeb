/**
 * An error meant for the person at the terminal: its message is the one line `sluice: ...` prints.
 * `cause` keeps the underlying error (shown with `--verbose`, summarised on the same line).
 */
export class CliError extends Error {
  override name = 'CliError';
}

/** A usage problem found before anything is sent to Kafka (bad option values). */
export class UsageError extends CliError {
  override name = 'UsageError';
}
