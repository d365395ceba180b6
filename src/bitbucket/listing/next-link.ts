/**
 * Bitbucket's `next` link is followed only when it continues the very listing it came from: same
 * scheme, host and port (credentials go nowhere else), same path of the same listing (the workspace's segment in any case), the
 * same query parameters apart from `page`, and `page` the one after the page just read. Parameters
 * and path are compared decoded, as Bitbucket decodes them (a literal `+` is a space), so a server
 * that encodes `,` or `+` differently still matches, and a link that would change `fields` (and so
 * drop the 2FA flag or `next`) does not.
 */

/** The link, resolved, or why it is not the next page of this listing. */
export type NextLinkCheck = { readonly ok: true; readonly url: string } | { readonly ok: false; readonly problem: string; readonly shown: string }

/**
 * @param next the `next` value of the page just read
 * @param current the URL that page was read from (a relative `next` resolves against it)
 * @param first the listing's first URL, whose path and query every page keeps
 * @param workspaceSegment index of the workspace among `first`'s decoded path segments
 * @param nextPage the page number the link must lead to
 */
export function checkNextLink(next: string, current: string, first: URL, workspaceSegment: number, nextPage: number): NextLinkCheck {
  let url: URL
  try {
    url = new URL(next, current)
  } catch {
    return { ok: false, problem: 'it is not a URL', shown: '(not a URL)' }
  }
  const shown = withoutCredentials(url)
  const fail = (problem: string): NextLinkCheck => ({ ok: false, problem, shown })
  if (url.protocol !== first.protocol || url.hostname !== first.hostname || url.port !== first.port) {
    return fail(`it points to another origin than ${first.origin}, where the credentials go`)
  }
  if (url.username !== '' || url.password !== '') return fail('it carries credentials of its own')
  if (url.hash !== '') return fail('it has a #fragment')
  const path = decodedSegments(url.pathname)
  const firstPath = decodedSegments(first.pathname)
  if (path === null || firstPath === null || !samePath(path, firstPath, workspaceSegment)) {
    return fail('it leaves the path of this listing')
  }
  const pages = url.searchParams.getAll('page')
  const [page = ''] = pages
  if (pages.length !== 1 || !/^[1-9][0-9]{0,8}$/.test(page)) return fail('it has no single page number')
  if (Number(page) !== nextPage) return fail(`it leads to page ${page}, not to page ${nextPage}`)
  if (!sameParameters(url.searchParams, first.searchParams)) return fail('it changes the query (`fields` or `pagelen`)')
  return { ok: true, url: url.href }
}

function decodedSegments(pathname: string): string[] | null {
  try {
    return pathname.split('/').map((segment) => decodeURIComponent(segment))
  } catch {
    return null
  }
}

function samePath(path: readonly string[], expected: readonly string[], workspaceSegment: number): boolean {
  if (path.length !== expected.length) return false
  // Stryker disable next-line OptionalChaining: equivalent, the lengths are equal, so expected[index] is always there (the ?. is for the type)
  return path.every((segment, index) => (index === workspaceSegment ? segment.toLowerCase() === expected[index]?.toLowerCase() : segment === expected[index]))
}

/** Every parameter but `page`, decoded, compared as pairs in any order. */
function sameParameters(actual: URLSearchParams, expected: URLSearchParams): boolean {
  const pairs = (params: URLSearchParams): string[] =>
    [...params]
      .filter(([name]) => name !== 'page')
      .map(([name, value]) => JSON.stringify([name, value]))
      .sort()
  const [a, b] = [pairs(actual), pairs(expected)]
  return a.length === b.length && a.every((pair, index) => pair === b[index])
}

/** The link as it may be shown: without its user and password (the caller scrubs, then cuts). */
function withoutCredentials(url: URL): string {
  const copy = new URL(url.href)
  copy.username = ''
  copy.password = ''
  return copy.href
}
