// `import text from 'file?raw'`: the file's contents as a string. Vitest (Vite) does this
// itself; the functions' bundles get it from services/esbuild-plugins.mjs.
declare module '*?raw' {
  const content: string;
  export default content;
}
