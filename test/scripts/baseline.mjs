// The baseline the bench compares against: what a careful admin's script does. It follows `next`
// one page at a time with pagelen=100 and the 2FA field, using Node's fetch, and prints JSON figures.
const [apiUrl, workspace, email, token] = process.argv.slice(2)
const auth = `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`
let url = `${apiUrl}/workspaces/${workspace}/members?pagelen=100&fields=%2Bvalues.user.has_2fa_enabled`
let requests = 0
let requestMs = 0
const without = new Set()
const seen = new Set()
while (url) {
  const started = performance.now()
  const response = await fetch(url, { headers: { Authorization: auth } })
  const page = await response.json()
  requestMs += performance.now() - started
  requests++
  if (!response.ok) throw new Error(`HTTP ${response.status}`)
  for (const { user } of page.values) {
    seen.add(user.uuid)
    if (user.type !== 'app_user' && user.has_2fa_enabled !== true) without.add(user.uuid)
  }
  url = page.next
}
console.log(JSON.stringify({ requests, members: seen.size, without: without.size, meanRequestMs: requestMs / requests }))
process.exitCode = without.size > 0 ? 1 : 0
