/** Written into the installable package by scripts/build-cli.mjs; absent when the CLI runs from the source. */
declare const STRONGROOM_CLI_VERSION: string | undefined;

/** This command's version: the package's, or `development` when it runs from a checkout (`npx strongroom`). */
export const CLI_VERSION: string = typeof STRONGROOM_CLI_VERSION === 'string' ? STRONGROOM_CLI_VERSION : 'development';
