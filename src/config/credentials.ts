import { InputError } from '../errors.js'

/** The Bitbucket credentials of a run: one kind, checked before any request. */
export type Credentials =
  { readonly kind: 'api-token'; readonly email: string; readonly token: string } | { readonly kind: 'access-token'; readonly token: string }

const EMAIL = /^[^\s@:]+@[^\s@:]+$/

export function parseCredentials(emailInput: string, tokenInput: string): Credentials {
  const email = emailInput.trim()
  const token = tokenInput.trim()
  if (token === '') {
    throw new InputError(
      "Input `token` is required: pass a workspace admin's Atlassian API token (with `email`) or an access token, from a secret (never written into a file)."
    )
  }
  if (/\s/.test(token)) {
    throw new InputError('Input `token` contains white space; copy the token again without spaces or line breaks.')
  }
  if (token.startsWith('ATBB')) {
    throw new InputError(
      'Input `token` looks like a Bitbucket app password (it starts with ATBB). App passwords were removed on 28 Jul 2026. ' +
        'Create an Atlassian API token with scope `read:workspace:bitbucket` as a workspace admin and pass it with `email`.'
    )
  }
  if (email === '') {
    if (token.startsWith('ATAT')) {
      throw new InputError(
        'Input `token` looks like an Atlassian API token (it starts with ATAT): API tokens need `email`. ' +
          'Set `email` to the Atlassian account email of the admin who created the token.'
      )
    }
    return { kind: 'access-token', token }
  }
  if (!EMAIL.test(email)) {
    throw new InputError('Input `email` is not an email address. Set it to the Atlassian account email of the admin who created the API token.')
  }
  if (token.startsWith('ATCT')) {
    throw new InputError(
      'Input `token` looks like a workspace or project access token (it starts with ATCT); those are sent without `email`. ' +
        'Remove `email`, or pass an Atlassian API token instead.'
    )
  }
  return { kind: 'api-token', email, token }
}
