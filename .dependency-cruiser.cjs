/**
 * The layers of src/, checked by `npm run layers` (in CI): no import cycle anywhere, and no feature
 * folder reaches up into config/ (only the orchestrators, main.ts and conclude.ts, read the settings).
 * It reads the compiled JavaScript in build/src (`npm run compile`): dependency-cruiser does not parse
 * TypeScript 7, and what runs is what must not cycle.
 * https://github.com/sverweij/dependency-cruiser/blob/main/doc/rules-reference.md
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one: neither can be understood, tested or changed alone.',
      from: { path: '^build/src/' },
      to: { circular: true }
    },
    {
      name: 'features-below-config',
      severity: 'error',
      comment: 'Feature folders take the few values they use as arguments; the settings are the orchestrators’.',
      from: { path: '^build/src/', pathNot: ['^build/src/(main|conclude|index)\\.js$', '^build/src/config/'] },
      to: { path: '^build/src/config/' }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    moduleSystems: ['es6']
  }
}
