/**
 * Whether the CLI withholds member data and server text in what it prints and writes. Once the flags
 * are parsed, `--redact` decides; before that (a line that does not parse), the word `--redact`
 * anywhere before a bare `--` withholds, as the parsed flag would have: an error about the line must not
 * print what the flag was given to hide.
 */
export function redactionOf(argv: readonly string[], parsed: boolean | null): boolean {
  if (parsed !== null) return parsed
  return onLine(argv, '--redact')
}

/** Whether `flag` stands on the command line before any bare `--`, whether or not the rest parses. */
export function onLine(argv: readonly string[], flag: string): boolean {
  const end = argv.indexOf('--')
  return (end === -1 ? argv : argv.slice(0, end)).includes(flag)
}
