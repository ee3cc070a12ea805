package dev.livesync.transport;

import dev.livesync.LivesyncException;

/** A run that did not complete (compare, or a caller that wants an exception), with its result. */
public final class TransportException extends LivesyncException {
  private final TransferResult result;

  public TransportException(TransferResult result) {
    super(result.message(), result.outcome() == TransferResult.Outcome.FATAL ? 3 : 4);
    this.result = result;
  }

  public TransferResult result() {
    return result;
  }
}
