import { z } from "zod";
import { defineTool, READ_ONLY } from "../define-tool.js";
import { diagnosisOutputSchema, renderDiagnosis } from "../diagnosis/diagnosis.js";

// Placeholder while the diagnosis is written; replaced wholesale.
export const diagnoseFlowRun = defineTool({
  name: "diagnose_flow_run",
  title: "Diagnose",
  description: "Being written.",
  inputSchema: z.object({}),
  outputSchema: diagnosisOutputSchema,
  annotations: READ_ONLY,
  async handler() {
    throw new Error("diagnose_flow_run is being written");
  },
  render: renderDiagnosis as never,
});
