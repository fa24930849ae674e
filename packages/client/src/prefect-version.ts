/**
 * The Prefect release this client is generated from and tested against. The one place the version is
 * pinned: the test harness installs exactly this release, and the committed OpenAPI spec must match it.
 */
export const PREFECT_VERSION = "3.9.1";
