// `import text from 'file?raw'`: the file's contents as a string. The functions' bundles get
// it from services/esbuild-plugins.mjs, the tests from jest.raw-transform.js (see jest.config.js).
declare module '*?raw' {
  const content: string;
  export default content;
}
