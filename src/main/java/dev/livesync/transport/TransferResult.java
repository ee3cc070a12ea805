package dev.livesync.transport;

import java.util.ArrayList;
import java.util.List;

/**
 * What one rsync run achieved. {@code failedPaths} lists exactly the paths rsync reported as not
 * transferred (exit 23/24), to be requeued; {@code message} is rsync's own error text, for logs.
 * {@code files} counts regular files transferred plus files deleted; {@code deleted} the deleted ones
 * among them; {@code created} the entries (files, directories, links) made at the target (rsync's
 * {@code --stats}); {@code sourceMoved}: PARTIAL only because the source changed under rsync (an
 * entry vanished, or changed type, between rsync's listing and its read), nothing about the target:
 * said at INFO, not WARN, while it does not go on.
 */
// Never compared or hashed (callers read its fields), so the byte[] paths in failedPaths need no value equality.
public record TransferResult(
    Outcome outcome, int exitCode, List<byte[]> failedPaths, long files, long bytes, long millis, String message, long deleted,
    long created, boolean sourceMoved) {

  public TransferResult(Outcome outcome, int exitCode, List<byte[]> failedPaths, long files, long bytes, long millis, String message) {
    this(outcome, exitCode, failedPaths, files, bytes, millis, message, 0, 0);
  }

  public TransferResult(Outcome outcome, int exitCode, List<byte[]> failedPaths, long files, long bytes, long millis, String message,
      long deleted, long created) {
    this(outcome, exitCode, failedPaths, files, bytes, millis, message, deleted, created, false);
  }

  public TransferResult(Outcome outcome, int exitCode, List<byte[]> failedPaths, long files, long bytes, long millis, String message,
      long deleted) {
    this(outcome, exitCode, failedPaths, files, bytes, millis, message, deleted, 0);
  }

  public enum Outcome {
    /** Everything in the batch reached the target. */
    OK,
    /** Some paths failed (rsync 23/24): requeue {@code failedPaths}, the rest arrived. */
    PARTIAL,
    /** Target unreachable or transient failure (network, timeout, daemon busy): retry with backoff. */
    RETRY,
    /** Authentication, usage or protocol error: retrying will not help; an operator must act. */
    FATAL
  }

  public static TransferResult ok(long files, long bytes, long millis) {
    return new TransferResult(Outcome.OK, 0, List.of(), files, bytes, millis, "");
  }

  /** Two runs of one batch: RETRY/FATAL of the second wins; otherwise failed paths add up. */
  static TransferResult merge(TransferResult a, TransferResult b) {
    if (b.outcome() == Outcome.RETRY || b.outcome() == Outcome.FATAL) return b;
    List<byte[]> failed = new ArrayList<>(a.failedPaths());
    failed.addAll(b.failedPaths());
    Outcome o = failed.isEmpty() && a.outcome() == Outcome.OK && b.outcome() == Outcome.OK ? Outcome.OK : Outcome.PARTIAL;
    int exit = b.exitCode() != 0 ? b.exitCode() : a.exitCode();
    String msg = a.message().isEmpty() ? b.message() : b.message().isEmpty() ? a.message() : a.message() + " | " + b.message();
    boolean moved = o == Outcome.PARTIAL && (a.outcome() == Outcome.OK || a.sourceMoved()) && (b.outcome() == Outcome.OK || b.sourceMoved());
    return new TransferResult(o, exit, failed, a.files() + b.files(), a.bytes() + b.bytes(), a.millis() + b.millis(), msg,
        a.deleted() + b.deleted(), a.created() + b.created(), moved);
  }

  /** This result, said to be PARTIAL only because the source moved under rsync. */
  TransferResult asSourceMoved() {
    return new TransferResult(outcome, exitCode, failedPaths, files, bytes, millis, message, deleted, created, true);
  }

  /** " (rsync exit N)" for a log line, or "" where no rsync ran to an exit (-1: refused before it ran, cut off). */
  public String exitSaid() {
    return exitCode < 0 ? "" : " (rsync exit " + exitCode + ")";
  }

  /** The message on one line, for a log line or a status field ("" when there is none). */
  public String messageLine() {
    return message == null ? "" : message.strip().replace('\n', ' ');
  }
}
