import { z } from "zod";
import { defineTool, READ_ONLY } from "../define-tool.js";
import { diagnosisOutputSchema, renderDiagnosis } from "../diagnosis/diagnosis.js";

// Placeholder while the diagnosis is written; replaced wholesale.
export const diagnoseDeployment = defineTool({
  name: "diagnose_deployment",
  title: "Diagnose",
  description: "Being written.",
  inputSchema: z.object({}),
  outputSchema: diagnosisOutputSchema,
  annotations: READ_ONLY,
  async handler() {
    throw new Error("diagnose_deployment is being written");
  },
  render: renderDiagnosis as never,
});
