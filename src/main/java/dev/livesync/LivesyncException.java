package dev.livesync;

/**
 * An expected failure with a message meant for the operator (what went wrong, and what to do) and
 * the process exit code it maps to. Anything else escaping to the CLI is a bug.
 */
public class LivesyncException extends RuntimeException {
  private final int exitCode;

  public LivesyncException(String message) {
    this(message, 1, null);
  }

  public LivesyncException(String message, int exitCode) {
    this(message, exitCode, null);
  }

  public LivesyncException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
