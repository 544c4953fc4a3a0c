/** The tool named in bundle manifests; a test keeps the version equal to package.json's. */
export const TOOL_NAME = 'execution-history';
export const TOOL_VERSION = '0.1.0';
