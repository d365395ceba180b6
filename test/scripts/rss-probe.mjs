// Loaded with --import into a process the bench measures: writes its peak RSS (bytes) on exit.
import { writeFileSync } from 'node:fs'

const target = process.env.BENCH_RSS_FILE
if (target) {
  process.on('exit', () => {
    writeFileSync(target, String(process.resourceUsage().maxRSS * 1024))
  })
}
