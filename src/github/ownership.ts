/** Whether a comment or an issue is the action's own: made by the token's identity, and marked by it. */
export function isOwnedBy(item: { author: string; body: string }, login: string, marker: string): boolean {
  return item.author.toLowerCase() === login.toLowerCase() && item.body.startsWith(marker)
}
