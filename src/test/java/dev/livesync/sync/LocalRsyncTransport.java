package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import dev.livesync.transport.ForwardingTransport;
import dev.livesync.transport.FullSyncShard;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import dev.livesync.transport.TransferResult.Outcome;
import dev.livesync.transport.TransferResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * The real transport to a local directory (rsync as the engine runs it), with the failure injection
 * the engine's tests need: {@link #down} makes every transfer fail as an unreachable target's does
 * (RETRY) and every rename fail, {@link #canRename} false makes it behave like a daemon target
 * (renames go into the batches as delete + send). Each refused transfer is stamped with
 * {@link #clock} in {@link #refusedAt}.
 */
final class LocalRsyncTransport extends ForwardingTransport {
  volatile boolean down;
  /** False: behaves like a daemon target (renames go into the batches as delete + send). */
  boolean canRename = true;
  /** What stamps {@link #refusedAt}: the engine's clock where the test gives it a fake one. */
  volatile Clock clock = Clock.SYSTEM;
  /** When each transfer refused while {@link #down} was tried, in the order they came. */
  final List<Long> refusedAt = Collections.synchronizedList(new ArrayList<>());

  LocalRsyncTransport(byte[] src, byte[] dst, List<String> excludes) {
    super(RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.builder().excludes(excludes).build()));
  }

  private TransferResult refused() {
    refusedAt.add(clock.nanos());
    return new TransferResult(Outcome.RETRY, 10, List.of(), 0, 0, 0, "target down (test)");
  }

  @Override
  public TransferResult send(List<byte[]> paths, boolean recursive) throws InterruptedException {
    return down ? refused() : super.send(paths, recursive);
  }

  @Override
  public TransferResult sendKeepingExtras(List<byte[]> paths, boolean recursive) throws InterruptedException {
    return down ? refused() : super.sendKeepingExtras(paths, recursive);
  }

  @Override
  public TransferResult send(List<byte[]> paths, boolean recursive, long maxDeletions) throws InterruptedException {
    return down ? refused() : super.send(paths, recursive, maxDeletions);
  }

  @Override
  public TransferResult sendKeepingExtras(List<byte[]> paths, boolean recursive, long maxDeletions) throws InterruptedException {
    return down ? refused() : super.sendKeepingExtras(paths, recursive, maxDeletions);
  }

  @Override
  public TransferResult fullSync(boolean delete) throws InterruptedException {
    return down ? refused() : super.fullSync(delete);
  }

  @Override
  public TransferResult fullSync(boolean delete, Consumer<String> progress) throws InterruptedException {
    return down ? refused() : super.fullSync(delete, progress);
  }

  @Override
  public TransferResult fullSync(FullSyncShard part, boolean delete) throws InterruptedException {
    return down ? refused() : super.fullSync(part, delete);
  }

  @Override
  public dev.livesync.transport.DeletionPreview sendDeletions(List<byte[]> paths, boolean recursive) throws InterruptedException {
    return down ? null : super.sendDeletions(paths, recursive); // null: cannot tell; the send is refused anyway
  }

  @Override
  public dev.livesync.transport.DeletionPreview fullSyncDeletions() throws InterruptedException {
    return down ? null : super.fullSyncDeletions();
  }

  @Override
  public boolean canRename() {
    return canRename && super.canRename();
  }

  @Override
  public boolean canRenameDirs() {
    return canRename && super.canRenameDirs();
  }

  @Override
  public boolean rename(byte[] from, byte[] to) throws InterruptedException {
    return !down && super.rename(from, to);
  }

  @Override
  public boolean renameAll(List<Move> moves) throws InterruptedException {
    return !down && super.renameAll(moves);
  }
}
