package dev.livesync.config;

import dev.livesync.LivesyncException;

/** A config file that cannot be used; the message starts with {@code file:line:column:}. */
public final class ConfigException extends LivesyncException {
  public static final int EXIT_CODE = 78; // EX_CONFIG (sysexits.h)

  public ConfigException(String message) {
    super(message, EXIT_CODE);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, EXIT_CODE, cause);
  }
}
