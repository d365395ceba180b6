import fc from 'fast-check'
import { parseExemptions } from '../../src/config/exemptions.js'

/** Whether the exemption parser takes `id` as an account id: the one rule the listing and the organization follow too. */
export const exemptsAsAccountId = (id: string): boolean => {
  try {
    const [first] = parseExemptions(id)
    return first !== undefined && first.idKind === 'account_id' && first.id === id
  } catch {
    return false
  }
}
/** Short ids from a mixed alphabet, and long ones from the allowed one, round the 128-character bound. */
export const candidateIds = fc.oneof(
  fc.string({
    unit: fc.constantFrom('a', 'Z', '0', '9', ':', '_', '-', '{', '}', ' ', '#', '<', '@', '.', '\n', '\u00e9', '\u200b'),
    minLength: 1,
    maxLength: 8
  }),
  fc.string({ unit: fc.constantFrom('a', 'Z', '0', ':', '_', '-'), minLength: 120, maxLength: 135 })
)
