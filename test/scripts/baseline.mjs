// The baseline the bench compares against: what a careful admin's script does. It reads the same
// listings as the gate, one after another, following `next` one page at a time with pagelen=100 and
// Node's fetch: the members (with the 2FA field), the workspace admins, and each repository's writers
// when slugs are given. It prints JSON figures and exits 1 when someone in scope lacks proven 2FA.
//
//   node baseline.mjs API_URL WORKSPACE EMAIL TOKEN [REPO_SLUG ...]
const [apiUrl, workspace, email, token, ...repositories] = process.argv.slice(2)
const auth = `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`
const base = `${apiUrl}/workspaces/${encodeURIComponent(workspace)}`
let requests = 0
let requestMs = 0

/** Every item of one listing, following `next` from `url` until there is none. */
async function readAll(url) {
  const items = []
  while (url) {
    const started = performance.now()
    const response = await fetch(url, { headers: { Authorization: auth } })
    const page = await response.json()
    requestMs += performance.now() - started
    requests++
    if (!response.ok) throw new Error(`HTTP ${response.status} for ${url}`)
    items.push(...page.values)
    url = page.next
  }
  return items
}

// Members: who has 2FA (app users need none).
const members = new Map()
for (const { user } of await readAll(`${base}/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled`)) members.set(user.uuid, user)

// Admins: only `owner` counts, whatever the server does with q.
const admins = new Set()
for (const entry of await readAll(`${base}/permissions?pagelen=100&q=permission%3D%22owner%22`)) {
  if (entry.permission === 'owner') admins.add(entry.user.uuid)
}

// Writers of each repository: only `write` and `admin` count, whatever the server does with q.
const writers = new Set()
for (const slug of repositories) {
  for (const entry of await readAll(`${base}/permissions/repositories/${encodeURIComponent(slug)}?pagelen=100&q=permission%3E%22read%22`)) {
    if (entry.permission === 'write' || entry.permission === 'admin') writers.add(entry.user.uuid)
  }
}

// In scope: every member (workspace audit), or the writers (repository gate); admins always. Anyone in
// scope without 2FA on in the member listing (someone outside it included) is unproven.
const inScope = repositories.length > 0 ? new Set([...writers, ...admins]) : new Set([...members.keys(), ...admins])
const without = new Set()
for (const uuid of inScope) {
  const user = members.get(uuid)
  if (user?.type === 'app_user') continue
  if (user?.has_2fa_enabled !== true) without.add(uuid)
}
console.log(
  JSON.stringify({
    requests,
    members: members.size,
    admins: admins.size,
    writers: writers.size,
    inScope: inScope.size,
    without: without.size,
    meanRequestMs: requestMs / requests
  })
)
process.exitCode = without.size > 0 ? 1 : 0
