import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

const schema: unknown = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../schema/report.schema.json'), 'utf8'))
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false })
addFormats.default(ajv)
const validate = ajv.compile(schema as object)

/** The errors of `report` against schema/report.schema.json, as text; [] when it is valid. */
export function schemaErrors(report: unknown): string[] {
  if (validate(report)) return []
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`)
}
