import { setFlagsFromString } from 'node:v8'
import { run } from './main.js'

// The young generation otherwise doubles up to 64 MiB while 100,000 members stream through it; at
// its first size the run needs about 60 MB less memory and no more time (see `npm run bench`).
setFlagsFromString('--semi-space-growth-factor=1')

await run()
