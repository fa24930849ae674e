/** A cause's evidence as the diagnose_* tools return it: free-form per cause. */
export interface Evidence {
  ids?: Record<string, unknown>;
  values?: Record<string, unknown>;
  timestamps?: Record<string, unknown>;
}

export interface EvidenceEntry {
  group: "ids" | "values" | "timestamps";
  /** The evidence key with underscores read as spaces: `work_pool_id` → `work pool id`. */
  label: string;
  /** The value as exact text: lists joined with ", ", objects as JSON. */
  text: string;
}

const GROUPS = ["ids", "values", "timestamps"] as const;

/** Every piece of evidence, ids first, then values, then timestamps, in the order given. */
export function evidenceEntries(evidence: unknown): EvidenceEntry[] {
  if (!isRecord(evidence)) return [];
  return GROUPS.flatMap((group) => {
    const entries = evidence[group];
    if (!isRecord(entries)) return [];
    return Object.entries(entries)
      .filter(([, value]) => value !== undefined && value !== null)
      .map(([key, value]) => ({ group, label: key.replaceAll("_", " "), text: valueText(value) }));
  });
}

function valueText(value: unknown): string {
  if (Array.isArray(value)) return value.map(valueText).join(", ");
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return String(value);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
