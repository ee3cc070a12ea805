package dev.livesync.sync;

import dev.livesync.transport.TransferResult;
import dev.livesync.transport.Transport;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one work item against one transport, on a worker thread: filters out deletions the delete
 * policy forbids, does a rename at the target and then reconciles both names (recursively for a
 * directory; where the transport cannot rename this is a delete + send), and runs the exec hook after a successful batch. Stateless apart from its configuration.
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
        shipped = VanishedPaths.collapse(allowed(s.paths()), source);
        if (shipped.isEmpty()) return TransferResult.ok(0, 0, 0);
        r = transport.send(shipped, s.recursive());
      }
      case WorkItem.Rename m -> {
        // The rename at the target only pre-positions the data (so rsync finds it and sends
        // nothing); the send that follows is what makes it right: a batch cut before the rename
        // may have read the source after it and missed files now under the new name.
        transport.rename(m.from(), m.to());
        shipped = VanishedPaths.collapse(allowed(List.of(m.from(), m.to())), source);
        r = shipped.isEmpty() ? TransferResult.ok(0, 0, 0) : transport.send(shipped, m.dir());
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
