/** The extras' grace as the fast clock (./fast-clock.ts) recognises it; equal to EXTRA_GRACE_MS (test/unit/harness.test.ts). */
export const GRACE_MS = 5000
