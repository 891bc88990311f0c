// Imported first by the OpenPhone and webhook tests: set before any pipeline module reads them.
// Never let a test reach anything but this machine, and never the real API.
process.env.COMMSIGHT_LOOPBACK_ONLY = "1";
export const API_KEY = "op-test-key-7d1e9b0c5a";
process.env.OPENPHONE_API_KEY = API_KEY;
process.env.COMMSIGHT_LOG_LEVEL ??= "error";
