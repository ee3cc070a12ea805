package dev.livesync.sync;

import dev.livesync.fs.Bytes;
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.Transport;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/** Failure injection: records calls and answers with scripted results (OK when none is scripted). */
final class FakeTransport implements Transport {
  final List<String> calls = Collections.synchronizedList(new ArrayList<>());
  final Deque<TransferResult> script = new ArrayDeque<>();
  boolean renames = true;
  boolean canRename = true;
  /** As a daemon's copy: a rename that succeeded made the new name from the source. */
  boolean copiesFromSource;
  volatile Reachability reachability = Reachability.UNKNOWN;
  final java.util.concurrent.atomic.AtomicInteger probes = new java.util.concurrent.atomic.AtomicInteger();
  /** What a full sync tells of its progress, where it is asked to (rsync's progress2 shape); null: nothing. */
  volatile String progressLine;
  /** A full sync is cut off as by a stop whose time ran out (its worker interrupted). */
  volatile boolean interruptFullSync;

  @Override
  public String describe() {
    return "fake";
  }

  private synchronized TransferResult next(long files) {
    TransferResult r = script.poll();
    return r != null ? r : TransferResult.ok(files, 0, 1);
  }

  @Override
  public TransferResult send(List<byte[]> paths, boolean recursive) {
    calls.add((recursive ? "tree " : "send ") + String.join(",", paths.stream().map(Bytes::display).toList()));
    return next(paths.size());
  }

  @Override
  public TransferResult fullSync(boolean delete) {
    List<byte[]> left = Transport.LEAVE_OUT.orElse(List.of());
    calls.add("full delete=" + delete + (left.isEmpty() ? "" : " leaving " + String.join(",", left.stream().map(Bytes::display).toList())));
    return next(0);
  }

  @Override
  public TransferResult fullSync(boolean delete, java.util.function.Consumer<String> progress) throws InterruptedException {
    if (interruptFullSync) throw new InterruptedException("the stop's time ran out");
    if (progressLine != null && progress != null) progress.accept(progressLine);
    return fullSync(delete);
  }

  @Override
  public boolean canRename() {
    return canRename;
  }

  @Override
  public boolean renameCopiesFromSource() {
    return copiesFromSource;
  }

  @Override
  public boolean rename(byte[] from, byte[] to) {
    calls.add("rename " + Bytes.display(from) + " " + Bytes.display(to));
    return renames;
  }

  @Override
  public Reachability probe() {
    probes.incrementAndGet();
    return reachability;
  }

  @Override
  public boolean renameAll(List<Move> moves) throws InterruptedException {
    if (moves.size() > 1) calls.add("renameAll " + moves.size());
    return Transport.super.renameAll(moves);
  }
}
