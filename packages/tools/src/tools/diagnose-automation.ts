import { z } from "zod";
import { defineTool, READ_ONLY } from "../define-tool.js";
import { diagnosisOutputSchema, renderDiagnosis } from "../diagnosis/diagnosis.js";

// Placeholder while the diagnosis is written; replaced wholesale.
export const diagnoseAutomation = defineTool({
  name: "diagnose_automation",
  title: "Diagnose",
  description: "Being written.",
  inputSchema: z.object({}),
  outputSchema: diagnosisOutputSchema,
  annotations: READ_ONLY,
  async handler() {
    throw new Error("diagnose_automation is being written");
  },
  render: renderDiagnosis as never,
});
