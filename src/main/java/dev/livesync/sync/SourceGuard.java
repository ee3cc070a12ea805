package dev.livesync.sync;

import dev.livesync.transport.Drift;
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.Transport;
import java.util.List;
import java.util.function.Consumer;

/**
 * Wraps a target's transport so that nothing is sent once the source root is gone or is no longer the
 * directory the sync started on (same device and inode): an unmounted file system leaves an empty
 * mount point, and a full sync with {@code --delete} from it would wipe the backup. Such a transfer
 * fails as FATAL (logged, retried slowly, the work stays queued and journaled) until the source is
 * back, e.g. remounted.
 */
final class SourceGuard implements Transport {
  private final Transport target;
  private final SourceRoot source;

  SourceGuard(Transport target, SourceRoot source) {
    this.target = target;
    this.source = source;
  }

  /** Null when the source is the one the sync started on, else why not. */
  String problem() {
    String p = source.problem();
    return p.isEmpty() ? null : p;
  }

  private TransferResult refused(String why) {
    return new TransferResult(TransferResult.Outcome.FATAL, -1, List.of(), 0, 0, 0,
        why + ": nothing is sent, so the backup is not emptied; mount or restore it (work stays queued), or restart livesync");
  }

  @Override
  public String describe() {
    return target.describe();
  }

  @Override
  public TransferResult send(List<byte[]> paths, boolean recursive) throws InterruptedException {
    String p = problem();
    return p != null ? refused(p) : target.send(paths, recursive);
  }

  @Override
  public TransferResult sendKeepingExtras(List<byte[]> paths, boolean recursive) throws InterruptedException {
    String p = problem();
    return p != null ? refused(p) : target.sendKeepingExtras(paths, recursive);
  }

  @Override
  public TransferResult send(List<byte[]> paths, boolean recursive, long maxDeletions) throws InterruptedException {
    String p = problem();
    return p != null ? refused(p) : target.send(paths, recursive, maxDeletions);
  }

  @Override
  public TransferResult sendKeepingExtras(List<byte[]> paths, boolean recursive, long maxDeletions) throws InterruptedException {
    String p = problem();
    return p != null ? refused(p) : target.sendKeepingExtras(paths, recursive, maxDeletions);
  }

  @Override
  public TransferResult fullSync(boolean delete) throws InterruptedException {
    String p = problem();
    return p != null ? refused(p) : target.fullSync(delete);
  }

  @Override
  public TransferResult fullSync(boolean delete, Consumer<String> progress) throws InterruptedException {
    String p = problem();
    return p != null ? refused(p) : target.fullSync(delete, progress);
  }

  @Override
  public boolean canSplitFullSync() {
    return target.canSplitFullSync();
  }

  @Override
  public TransferResult fullSync(dev.livesync.transport.FullSyncShard part, boolean delete) throws InterruptedException {
    String p = problem();
    return p != null ? refused(p) : target.fullSync(part, delete);
  }

  @Override
  public boolean rename(byte[] from, byte[] to) throws InterruptedException {
    return problem() == null && target.rename(from, to);
  }

  @Override
  public boolean renameAll(List<Move> moves) throws InterruptedException {
    return problem() == null && target.renameAll(moves);
  }

  @Override
  public boolean canRename() {
    return target.canRename();
  }

  /** Null (nothing to preview) while the source is not the one the sync started on: the transfer is refused anyway. */
  @Override
  public dev.livesync.transport.DeletionPreview sendDeletions(List<byte[]> paths, boolean recursive) throws InterruptedException {
    return problem() != null ? null : target.sendDeletions(paths, recursive);
  }

  @Override
  public dev.livesync.transport.DeletionPreview fullSyncDeletions() throws InterruptedException {
    return problem() != null ? null : target.fullSyncDeletions();
  }

  @Override
  public boolean canRenameDirs() {
    return target.canRenameDirs();
  }

  @Override
  public int pruneVersions(java.time.Instant now) throws InterruptedException {
    return target.pruneVersions(now);
  }

  @Override
  public Reachability probe() {
    return target.probe();
  }

  @Override
  public Drift compare(boolean checksum) throws InterruptedException {
    return target.compare(checksum);
  }

  @Override
  public void close() {
    target.close();
  }
}
