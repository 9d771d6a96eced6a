/** Shorter values are not secrets worth hiding, and replacing them would garble ordinary text. */
const MIN_SECRET_LENGTH = 8;

/** Replaces every known secret (tokens, passwords, keys) in text before it is printed or thrown. */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Remembers secrets; undefined, empty and very short values are ignored. */
  add(...values: (string | undefined)[]): void {
    for (const value of values) {
      if (value && value.length >= MIN_SECRET_LENGTH) this.secrets.add(value);
    }
  }

  /** The text with every remembered secret replaced by `***`. */
  redact(text: string): string {
    let result = text;
    // Longest first, so a secret that contains another is hidden whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      result = result.split(secret).join('***');
    }
    return result;
  }

  /** The message of an error (with its causes) as safe text. */
  redactError(error: unknown): string {
    return this.redact(error instanceof Error ? error.message : String(error));
  }
}

/** The process-wide redactor: the ECR token and the AWS keys of the environment are added to it. */
export const redactor = new Redactor();

/** Adds the secret AWS values of an environment (keys and session tokens) to a redactor. */
export function redactEnvironmentSecrets(
  target: Redactor = redactor,
  env: NodeJS.ProcessEnv = process.env,
): void {
  target.add(env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN, env.AWS_SECURITY_TOKEN);
}
