import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestCertificate {
  readonly key: string
  readonly cert: string
  /** A file with the certificate, for NODE_EXTRA_CA_CERTS. */
  readonly certFile: string
  readonly cleanup: () => void
}

/** A throw-away self-signed certificate for `host`, made with openssl for one test file. */
export function makeCertificate(host: string): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'bb2fa-tls-'))
  const keyFile = join(dir, 'key.pem')
  const certFile = join(dir, 'cert.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      `/CN=${host}`,
      '-addext',
      `subjectAltName=DNS:${host}`
    ],
    { stdio: 'ignore' }
  )
  return {
    key: readFileSync(keyFile, 'utf8'),
    cert: readFileSync(certFile, 'utf8'),
    certFile,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
