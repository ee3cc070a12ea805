package dev.livesync.sync;

import dev.livesync.transport.Drift;
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.Transport;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Passes everything to a real transport and counts the calls (each send is at most two rsyncs). */
final class CountingTransport implements Transport {
  final Transport real;
  final AtomicInteger sends = new AtomicInteger();
  final AtomicInteger renames = new AtomicInteger();
  final AtomicInteger sentPaths = new AtomicInteger();

  CountingTransport(Transport real) {
    this.real = real;
  }

  void reset() {
    sends.set(0);
    renames.set(0);
    sentPaths.set(0);
  }

  @Override
  public String describe() {
    return real.describe();
  }

  @Override
  public TransferResult send(List<byte[]> paths, boolean recursive) throws InterruptedException {
    sends.incrementAndGet();
    sentPaths.addAndGet(paths.size());
    return real.send(paths, recursive);
  }

  @Override
  public TransferResult fullSync(boolean delete) throws InterruptedException {
    return real.fullSync(delete);
  }

  @Override
  public boolean rename(byte[] from, byte[] to) throws InterruptedException {
    renames.incrementAndGet();
    return real.rename(from, to);
  }

  @Override
  public boolean canRename() {
    return real.canRename();
  }

  @Override
  public boolean canRenameDirs() {
    return real.canRenameDirs();
  }

  @Override
  public Drift compare(boolean checksum) throws InterruptedException {
    return real.compare(checksum);
  }
}
