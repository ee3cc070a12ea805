package dev.livesync.transport;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@link Transport} that hands every call to another one: the base of a wrapper that changes
 * some of them (a guard), so that what it does not change reaches the wrapped transport as it is,
 * instead of the defaults of {@link Transport} answering for it.
 */
public abstract class ForwardingTransport implements Transport {
  protected final Transport inner;

  protected ForwardingTransport(Transport inner) {
    this.inner = inner;
  }

  @Override
  public String describe() {
    return inner.describe();
  }

  @Override
  public TransferResult send(List<byte[]> paths, boolean recursive) throws InterruptedException {
    return inner.send(paths, recursive);
  }

  @Override
  public TransferResult sendKeepingExtras(List<byte[]> paths, boolean recursive) throws InterruptedException {
    return inner.sendKeepingExtras(paths, recursive);
  }

  @Override
  public TransferResult send(List<byte[]> paths, boolean recursive, long maxDeletions) throws InterruptedException {
    return inner.send(paths, recursive, maxDeletions);
  }

  @Override
  public TransferResult sendKeepingExtras(List<byte[]> paths, boolean recursive, long maxDeletions) throws InterruptedException {
    return inner.sendKeepingExtras(paths, recursive, maxDeletions);
  }

  @Override
  public TransferResult fullSync(boolean delete) throws InterruptedException {
    return inner.fullSync(delete);
  }

  @Override
  public TransferResult fullSync(boolean delete, Consumer<String> progress) throws InterruptedException {
    return inner.fullSync(delete, progress);
  }

  @Override
  public boolean canSplitFullSync() {
    return inner.canSplitFullSync();
  }

  @Override
  public TransferResult fullSync(FullSyncShard part, boolean delete) throws InterruptedException {
    return inner.fullSync(part, delete);
  }

  @Override
  public boolean rename(byte[] from, byte[] to) throws InterruptedException {
    return inner.rename(from, to);
  }

  @Override
  public boolean renameAll(List<Move> moves) throws InterruptedException {
    return inner.renameAll(moves);
  }

  @Override
  public boolean canRename() {
    return inner.canRename();
  }

  @Override
  public boolean canRenameDirs() {
    return inner.canRenameDirs();
  }

  @Override
  public boolean renameCopiesFromSource() {
    return inner.renameCopiesFromSource();
  }

  @Override
  public TransferResult moveOnServer(byte[] from, byte[] to) throws InterruptedException {
    return inner.moveOnServer(from, to);
  }

  @Override
  public Drift compare(boolean checksum) throws InterruptedException {
    return inner.compare(checksum);
  }

  @Override
  public Drift compareReadable(boolean checksum) throws InterruptedException {
    return inner.compareReadable(checksum);
  }

  @Override
  public Drift topLevel() throws InterruptedException {
    return inner.topLevel();
  }

  @Override
  public DeletionPreview sendDeletions(List<byte[]> paths, boolean recursive) throws InterruptedException {
    return inner.sendDeletions(paths, recursive);
  }

  @Override
  public DeletionPreview fullSyncDeletions() throws InterruptedException {
    return inner.fullSyncDeletions();
  }

  @Override
  public DeletionPreview fullSyncDeletions(FullSyncShard part) throws InterruptedException {
    return inner.fullSyncDeletions(part);
  }

  @Override
  public boolean targetEmpty() throws InterruptedException {
    return inner.targetEmpty();
  }

  @Override
  public int pruneVersions(Instant now) throws InterruptedException {
    return inner.pruneVersions(now);
  }

  @Override
  public Reachability probe() {
    return inner.probe();
  }

  @Override
  public TransferResult check() throws InterruptedException {
    return inner.check();
  }

  @Override
  public boolean canCheck() {
    return inner.canCheck();
  }

  @Override
  public String warning() {
    return inner.warning();
  }

  @Override
  public void close() {
    inner.close();
  }
}
