/**
 * The badge: an SVG file in shields.io's look, and a static shields.io URL for places that cannot
 * host a file (the pull-request comment).
 */
import { writeWorkspaceFile } from '../files/workspace.js'
import type { BadgeSpec } from './model.js'

/** Writes the SVG badge with shields.io's own renderer, so it looks like every other badge. */
export async function writeBadge(path: string, workspace: string, badge: BadgeSpec): Promise<void> {
  // Imported only when a badge is asked for: its font-width tables are most of its weight (~0.9 MB).
  const { makeBadge } = await import('badge-maker')
  await writeWorkspaceFile(path, workspace, makeBadge({ label: badge.label, message: badge.message, color: badge.color }))
}

/** A shields.io static badge: an image URL that needs no hosting. */
export function staticBadgeUrl(badge: BadgeSpec): string {
  const part = (text: string): string => encodeURIComponent(text.replace(/-/g, '--').replace(/_/g, '__'))
  return `https://img.shields.io/badge/${part(badge.label)}-${part(badge.message)}-${badge.color}`
}

