/**
 * A last line of defence: the runner masks registered secrets in the log, but not in the job summary
 * or annotations we build, and a server or proxy may echo a secret back in another form. Every text the
 * gate writes goes through here, and text that is cut short is scrubbed before it is cut, so that no
 * fragment of a secret survives a cut.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  return scrubberFor(secrets)(text)
}

/** scrubSecrets with the forms worked out once: for text scrubbed in a loop (every member of a page). */
export function scrubberFor(secrets: readonly string[]): (text: string) => string {
  const forms = formsOf(secrets)
  // Most text (a member's name, a nickname) is shorter than any secret: it cannot hold one, and a page
  // of 100 members is scrubbed without a scan per form.
  // Stryker disable next-line ArrowFunction: equivalent, a shortcut for speed: without it every text is scanned, as before it
  const shortest = Math.min(...forms.map((form) => form.length))
  return (text) => {
    // Stryker disable next-line ConditionalExpression: equivalent, a shortcut for speed: text shorter than every form holds none of them
    if (text.length < shortest) return text
    let clean = text
    for (const form of forms) clean = clean.replaceAll(form, '***')
    return clean
  }
}

/** Secrets shorter than this are not scrubbed: "***" for every "a" would wreck the text, not hide it. */
const MIN_SECRET_LENGTH = 4

/**
 * The forms a secret takes when echoed: as it is, percent-encoded (upper- and lower-case hex, and the
 * form encoding's `+` for a space), JSON-escaped (`\/`). Longest first, so a longer form is replaced
 * whole before a shorter one inside it.
 */
export function formsOf(secrets: readonly string[]): string[] {
  const forms = new Set<string>()
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue
    const encoded = encodeURIComponent(secret)
    for (const form of [
      secret,
      encoded,
      encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase()),
      encoded.replace(/%20/g, '+'),
      secret.replace(/\//g, '\\/')
    ]) {
      forms.add(form)
    }
  }
  return [...forms].sort((a, b) => b.length - a.length)
}

/**
 * The secrets of a run, which can grow while it runs (an OAuth access token obtained mid-run): `scrub`
 * always removes every secret added so far, with the forms worked out once per addition.
 */
export class SecretSet {
  private readonly secrets: string[]
  private scrubber: (text: string) => string

  constructor(initial: readonly string[]) {
    this.secrets = [...initial]
    this.scrubber = scrubberFor(this.secrets)
  }

  add(values: readonly string[]): void {
    this.secrets.push(...values)
    this.scrubber = scrubberFor(this.secrets)
  }

  readonly scrub = (text: string): string => this.scrubber(text)
}
