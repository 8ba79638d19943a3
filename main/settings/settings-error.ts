// Errors of the settings store: a setting a user gave that cannot be used, or a settings file that cannot be read.

/** What went wrong, with a message that says what to do. */
export class SettingsError extends Error {
  constructor(
    readonly code: 'invalid-setting' | 'settings-file-damaged' | 'proxy-password-missing',
    message: string,
  ) {
    super(message);
    this.name = 'SettingsError';
  }
}
