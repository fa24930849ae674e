import { writeFile } from "node:fs/promises";
import path from "node:path";
import { generatedTypesPath, renderApiTypes } from "./openapi-types.js";

await writeFile(generatedTypesPath, await renderApiTypes());
console.log(`wrote ${path.relative(process.cwd(), generatedTypesPath)}`);
