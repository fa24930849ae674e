/**
 * Recognisable fake credentials every reliability test runs with. Nothing they reach may ever echo
 * them: each test file collects what it saw (server stdout/stderr, tool results, HTTP bodies) into
 * a LeakScan and its last test asserts zero hits.
 */
export const FAKE_API_KEY = "pnu_FAKEKEYreliability0000000000000000000";
/** `user:password` for Prefect's PREFECT_SERVER_API_AUTH_STRING / our PREFECT_API_AUTH_STRING. */
export const FAKE_AUTH_STRING = "reliability-user:FAKEPASSWORDreliability000000";

const NEEDLES = [
  FAKE_API_KEY,
  FAKE_AUTH_STRING,
  FAKE_AUTH_STRING.split(":")[1] as string,
  Buffer.from(FAKE_AUTH_STRING).toString("base64"),
];

/** Collects captured text and reports every place a fake secret (or its Basic form) appears. */
export class LeakScan {
  private readonly captured: Array<{ source: string; text: string }> = [];

  add(source: string, text: string): void {
    this.captured.push({ source, text });
  }

  /** Characters captured so far (a test asserts the scan had something to look at). */
  get size(): number {
    return this.captured.reduce((sum, item) => sum + item.text.length, 0);
  }

  hits(): Array<{ source: string; secret: string; excerpt: string }> {
    const found = [];
    for (const { source, text } of this.captured) {
      for (const needle of NEEDLES) {
        const at = text.indexOf(needle);
        if (at >= 0) {
          const excerpt = text.slice(Math.max(0, at - 60), at + needle.length + 60);
          found.push({ source, secret: `${needle.slice(0, 6)}…`, excerpt });
        }
      }
    }
    return found;
  }
}
