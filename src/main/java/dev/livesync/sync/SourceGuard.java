package dev.livesync.sync;

import dev.livesync.transport.DeletionPreview;
import dev.livesync.transport.Drift;
import dev.livesync.transport.ForwardingTransport;
import dev.livesync.transport.FullSyncShard;
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
final class SourceGuard extends ForwardingTransport {
  private final SourceRoot source;

  SourceGuard(Transport target, SourceRoot source) {
    super(target);
    this.source = source;
  }

  /** Null when the source is the one the sync started on, else why not. */
  String problem() {
    String p = source.problem();
    return p.isEmpty() ? null : p;
  }

  private interface Transfer {
    TransferResult run() throws InterruptedException;
  }

  /** {@code transfer}, or FATAL while the source is not the one the sync started on. */
  private TransferResult unlessMoved(Transfer transfer) throws InterruptedException {
    String p = problem();
    return p != null ? refused(p) : transfer.run();
  }

  private TransferResult refused(String why) {
    return new TransferResult(TransferResult.Outcome.FATAL, -1, List.of(), 0, 0, 0,
        why + ": nothing is sent, so the backup is not emptied; mount or restore it (work stays queued), or restart livesync");
  }

  @Override
  public TransferResult send(List<byte[]> paths, boolean recursive) throws InterruptedException {
    return unlessMoved(() -> inner.send(paths, recursive));
  }

  @Override
  public TransferResult sendKeepingExtras(List<byte[]> paths, boolean recursive) throws InterruptedException {
    return unlessMoved(() -> inner.sendKeepingExtras(paths, recursive));
  }

  @Override
  public TransferResult send(List<byte[]> paths, boolean recursive, long maxDeletions) throws InterruptedException {
    return unlessMoved(() -> inner.send(paths, recursive, maxDeletions));
  }

  @Override
  public TransferResult sendKeepingExtras(List<byte[]> paths, boolean recursive, long maxDeletions) throws InterruptedException {
    return unlessMoved(() -> inner.sendKeepingExtras(paths, recursive, maxDeletions));
  }

  @Override
  public TransferResult fullSync(boolean delete) throws InterruptedException {
    return unlessMoved(() -> inner.fullSync(delete));
  }

  @Override
  public TransferResult fullSync(boolean delete, Consumer<String> progress) throws InterruptedException {
    return unlessMoved(() -> inner.fullSync(delete, progress));
  }

  @Override
  public TransferResult fullSync(FullSyncShard part, boolean delete) throws InterruptedException {
    return unlessMoved(() -> inner.fullSync(part, delete));
  }

  @Override
  public boolean rename(byte[] from, byte[] to) throws InterruptedException {
    return problem() == null && inner.rename(from, to);
  }

  @Override
  public boolean renameAll(List<Move> moves) throws InterruptedException {
    return problem() == null && inner.renameAll(moves);
  }

  @Override
  public TransferResult moveOnServer(byte[] from, byte[] to) throws InterruptedException {
    return problem() == null ? inner.moveOnServer(from, to) : null;
  }

  /** Null (nothing to preview) while the source is not the one the sync started on: the transfer is refused anyway. */
  @Override
  public DeletionPreview sendDeletions(List<byte[]> paths, boolean recursive) throws InterruptedException {
    return problem() != null ? null : inner.sendDeletions(paths, recursive);
  }

  @Override
  public Drift topLevel() throws InterruptedException {
    return problem() != null ? null : inner.topLevel();
  }

  @Override
  public DeletionPreview fullSyncDeletions() throws InterruptedException {
    return problem() != null ? null : inner.fullSyncDeletions();
  }

  @Override
  public boolean targetEmpty() throws InterruptedException {
    return problem() == null && inner.targetEmpty();
  }
}
