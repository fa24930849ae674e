export { type ServeStdioOptions, serveStdio } from "./serve.js";
