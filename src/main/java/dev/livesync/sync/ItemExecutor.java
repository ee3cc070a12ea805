package dev.livesync.sync;

import dev.livesync.transport.TransferResult;
import dev.livesync.transport.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one work item against one transport, on a worker thread: filters out deletions the delete
 * policy forbids, falls back from a rename the transport cannot do to delete + recursive send, and
 * runs the exec hook after a successful batch. Stateless apart from its configuration.
 */
final class ItemExecutor {
  private final Transport transport;
  private final DeletePolicy delete;
  private final Batcher.SizeProbe source;
  private final ExecHook hook;

  ItemExecutor(Transport transport, DeletePolicy delete, Batcher.SizeProbe source, ExecHook hook) {
    this.transport = transport;
    this.delete = delete;
    this.source = source;
    this.hook = hook;
  }

  TransferResult run(WorkItem item) throws InterruptedException {
    TransferResult r;
    List<byte[]> shipped;
    switch (item) {
      case WorkItem.FullSync f -> {
        return transport.fullSync(f.delete());
      }
      case WorkItem.Send s -> {
        shipped = allowed(s.paths());
        if (shipped.isEmpty()) return TransferResult.ok(0, 0, 0);
        r = transport.send(shipped, s.recursive());
      }
      case WorkItem.Rename m -> {
        long t0 = System.nanoTime();
        if (transport.rename(m.from(), m.to())) {
          shipped = List.of(m.from(), m.to());
          r = TransferResult.ok(1, 0, (System.nanoTime() - t0) / 1_000_000);
        } else {
          shipped = allowed(List.of(m.from(), m.to()));
          r = shipped.isEmpty() ? TransferResult.ok(0, 0, 0) : transport.send(shipped, true);
        }
      }
    }
    if (r.outcome() == TransferResult.Outcome.OK && hook != null) hook.run(transport.describe(), shipped);
    return r;
  }

  /** All paths when live deletes are allowed; otherwise only those that exist at the source. */
  private List<byte[]> allowed(List<byte[]> paths) {
    if (delete.whileRunning()) return paths;
    List<byte[]> out = new ArrayList<>(paths.size());
    for (byte[] p : paths) if (source.size(p) >= 0) out.add(p);
    return out;
  }
}
