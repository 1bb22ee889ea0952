// Checks what `vsce package` put into the .vsix: everything the extension loads,
// none of the sources, tests, tools or development packages, and a README whose
// relative links and images all resolve inside the package (VS Code shows the
// README from the installed extension, where ../../docs/... does not exist; vsce
// is run with --no-rewrite-relative-links as there is no public repository URL to
// rewrite them against). A .vsix is a zip; its central directory is read here
// directly so no unzip tool is needed.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

/** Map from entry name to a function returning its contents. */
function zipEntries(file) {
  const zip = fs.readFileSync(file);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error(`${file} is not a zip file`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries = new Map();
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localHeader = zip.readUInt32LE(at + 42);
    entries.set(zip.toString('utf8', at + 46, at + 46 + nameLength), () => {
      const start = localHeader + 30 + zip.readUInt16LE(localHeader + 26) + zip.readUInt16LE(localHeader + 28);
      const data = zip.subarray(start, start + compressedSize);
      return method === 8 ? zlib.inflateRawSync(data) : data;
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Markdown links and images, and HTML src/href attributes, that are neither URLs nor anchors. */
function relativeLinks(markdown) {
  const targets = [
    ...[...markdown.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]),
    ...[...markdown.matchAll(/\b(?:src|href)=["']([^"']+)["']/g)].map((m) => m[1]),
  ];
  return targets.filter((link) => !/^[a-z][a-z0-9+.-]*:/i.test(link) && !link.startsWith('#'));
}

const entries = zipEntries(process.argv[2]);
const names = [...entries.keys()];
const required = [
  'extension/package.json',
  'extension/README.md',
  'extension/language-configuration.json',
  'extension/syntaxes/databuild.tmLanguage.json',
  'extension/images/graph.png',
  'extension/images/highlighting.png',
  ...fs.readdirSync('src').filter((f) => f.endsWith('.ts')).map((f) => `extension/out/${f.replace(/\.ts$/, '.js')}`),
  'extension/node_modules/vscode-languageclient/node.js',
  'extension/node_modules/vscode-languageclient/package.json',
];
const forbidden = [
  /^extension\/(src|test|tools|out\/test)\//,
  /\.(ts|map|vsix)$/,
  /^extension\/(tsconfig\.json|run-tests\.sh|\.gitignore)$/,
  /^extension\/node_modules\/(typescript|@vscode\/vsce|vscode-tmgrammar-test|@types)\//,
];
const problems = [
  ...required.filter((name) => !names.includes(name)).map((name) => `missing: ${name}`),
  ...names.filter((name) => forbidden.some((re) => re.test(name))).map((name) => `unexpected: ${name}`),
];
const readme = entries.get('extension/README.md');
if (readme) {
  for (const link of relativeLinks(readme().toString('utf8'))) {
    const target = path.posix.join('extension', decodeURI(link.replace(/[#?].*$/, '')));
    if (!entries.has(target)) problems.push(`README.md links to ${link}, which is not in the package`);
  }
}
if (problems.length > 0) {
  console.error(`check-vsix: ${problems.length} problem(s) in ${process.argv[2]}:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`check-vsix: ${names.length} files, all required present, nothing unexpected`);
