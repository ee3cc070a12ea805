package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import dev.livesync.transport.TransferResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The paths of the plain sends running now, at any target, and the directories above them, counted
 * (two targets may send the same path, two paths share directories). A send copies what stands
 * under its names when rsync reads them, which may be a file made after its batch was cut: a send
 * queued behind the target, a retry of what failed, a deletion whose name was made again. Such a
 * file is at the target, so the {@link Coalescer} may not take it for one made and removed between
 * two batches (that needs no transfer): its removal must be sent. A send's names and their
 * directories (rsync {@code -R} makes them) stop counting as new when it starts, and neither does
 * one of them made while it runs. Told by each target's runner (a {@link DeliveryListener}: a send's
 * every attempt starts and finishes); engine loop thread only.
 */
final class SendsInFlight implements DeliveryListener {
  private final Map<BytePath, Integer> running = new HashMap<>();
  private final Consumer<byte[]> notNew;

  /** {@code notNew}: a path, and each directory above it, of a send that starts. */
  SendsInFlight(Consumer<byte[]> notNew) {
    this.notNew = notNew;
  }

  @Override
  public void started(String target, WorkItem item) {
    if (item instanceof WorkItem.Send s && !s.recursive()) started(s.paths());
  }

  @Override
  public void finished(String target, WorkItem item, TransferResult result, long nowNanos) {
    if (item instanceof WorkItem.Send s && !s.recursive()) ended(s.paths());
  }

  @Override
  public void delivered(String target, WorkItem item, TransferResult result, long nowNanos) {}

  /** A plain send of {@code paths} starts. */
  void started(List<byte[]> paths) {
    for (byte[] p : paths) {
      BytePath b = BytePath.of(p);
      running.merge(b, 1, Integer::sum);
      notNew.accept(p);
      for (BytePath a : b.ancestors()) {
        running.merge(a, 1, Integer::sum);
        notNew.accept(a.unsafeArray());
      }
    }
  }

  /** The send of {@code paths} ended. */
  void ended(List<byte[]> paths) {
    for (byte[] p : paths) {
      BytePath b = BytePath.unsafeWrap(p);
      running.computeIfPresent(b, (k, n) -> n == 1 ? null : n - 1);
      for (BytePath a : b.ancestors()) running.computeIfPresent(a, (k, n) -> n == 1 ? null : n - 1);
    }
  }

  /** Whether a plain send of {@code path}, or of a path below it, is running now. */
  boolean running(byte[] path) {
    return !running.isEmpty() && running.containsKey(BytePath.unsafeWrap(path));
  }
}
