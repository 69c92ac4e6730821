// swagger-ui-dist ships no types. This file of it is CommonJS and exports one function.
declare module 'swagger-ui-dist/absolute-path.js' {
  /** The folder holding Swagger UI's built files (the bundle, its stylesheet, icons). */
  const getAbsoluteFSPath: () => string;
  export default getAbsoluteFSPath;
}
