package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import dev.livesync.transport.FullSyncShard;
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.TransferResult.Outcome;
import dev.livesync.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A full sync as several rsyncs side by side, one per part of the tree ({@link ShardPlanner}), up to
 * the sync's {@code workers} at once: one rsync walks, lists and checks a tree on one core and waits
 * on the other side in between; several keep both cores and the target busy. It stays one work item
 * (a barrier for the runner, as before); its result is the worst outcome of the parts, their counts
 * summed. Progress is told in rsync's progress2 shape (entries of the counted tree done), so the
 * terminal line and the status page read it as they read one rsync's. The directories above the
 * parts' roots (the source's own included) are sent once more as themselves when every part is done:
 * a part that makes an entry in one of them changes its mtime at the target, and may do so after the
 * part holding that directory set it from the source. Before the parts, the source's own directory
 * is sent as itself, which makes the target directory where it is not there yet.
 */
final class SplitFullSync {
  private static final Logger log = LoggerFactory.getLogger(SplitFullSync.class);

  private static final byte[] ROOT = {'.'};

  /** The progress while the source is counted to be cut into parts. */
  static final String COUNTING = "counting the source's entries to cut the tree into parts";

  /** Trees below this many entries go as one rsync: a part's start-up would cost more than it saves. */
  static final long MIN_ENTRIES = 20_000;

  /** The parts of this sync's tree now, and how many rsyncs may run at once. */
  interface Planner {
    List<FullSyncShard> plan();

    int parallelism();

    /** The fewest entries a dry run must find to change for the parts to be worth their cost ({@link GuardedFullSync}). */
    default long fewestChanges() {
      return MIN_ENTRIES;
    }
  }

  private SplitFullSync() {}

  /** A sync's parts: its source counted when a full sync starts (excludes left out), split for its workers. */
  static Planner planner(EngineSettings settings) {
    return new Planner() {
      @Override
      public List<FullSyncShard> plan() {
        int workers = settings.workers();
        long floor = ShardPlanner.floor(workers, MIN_ENTRIES);
        return ShardPlanner.plan(TreeCount.of(settings.source(), settings.excludes(), floor), workers, MIN_ENTRIES);
      }

      @Override
      public int parallelism() {
        return settings.workers();
      }
    };
  }

  private record Done(FullSyncShard part, TransferResult result) {}

  /** A full sync as one rsync: what runs when the plan has a single part. */
  interface Whole {
    TransferResult run() throws InterruptedException;
  }

  static TransferResult run(Transport t, Planner planner, boolean delete, Consumer<String> progress)
      throws InterruptedException {
    return run(t, planner, delete, progress, () -> progress == null ? t.fullSync(delete) : t.fullSync(delete, progress));
  }

  /** {@code whole}: what runs instead when the plan has a single part. */
  static TransferResult run(Transport t, Planner planner, boolean delete, Consumer<String> progress, Whole whole)
      throws InterruptedException {
    long t0 = System.nanoTime();
    if (progress != null) progress.accept(COUNTING);
    List<FullSyncShard> parts = planner.plan();
    if (parts.size() <= 1) return whole.run();
    long total = parts.stream().mapToLong(FullSyncShard::entries).sum();
    int parallel = Math.min(planner.parallelism(), parts.size());
    if (progress != null) progress.accept(progressLine(0, 0, 0, total, System.nanoTime() - t0, 0, parts.size())); // until the first part ends
    log.info("{}: full sync of {} entries in {} parts, {} rsyncs at a time (counted in {} ms)", t.describe(), total,
        parts.size(), parallel, (System.nanoTime() - t0) / 1_000_000);
    // The target directory first: rsyncs started side by side onto one not there yet each make it
    // (--mkpath), and all but one of them failed with "File exists"
    TransferResult top = t.send(List.of(ROOT), false);
    if (top.outcome() != Outcome.OK) return top;
    ExecutorService pool = Executors.newFixedThreadPool(parallel, Thread.ofPlatform().daemon().name("livesync-full-sync-", 0).factory());
    try {
      var done = new ExecutorCompletionService<Done>(pool);
      List<byte[]> leaveOut = Transport.LEAVE_OUT.orElse(List.of()); // bound on this thread, not the pool's
      for (FullSyncShard p : parts) done.submit(() -> new Done(p, ScopedValue.where(Transport.LEAVE_OUT, leaveOut).call(() -> t.fullSync(p, delete))));
      List<TransferResult> results = new ArrayList<>();
      long entriesDone = 0;
      long bytes = 0;
      long files = 0;
      for (int i = 0; i < parts.size(); i++) {
        Done d;
        try {
          d = done.take().get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException re) throw re;
          throw new IllegalStateException(e.getCause());
        }
        results.add(d.result());
        entriesDone += d.part().entries();
        bytes += d.result().bytes();
        files += d.result().files();
        if (d.result().outcome() != Outcome.OK) log.debug("{}: part {}: {} {}", t.describe(), d.part(), d.result().outcome(), d.result().message());
        if (progress != null) progress.accept(progressLine(bytes, files, entriesDone, total, System.nanoTime() - t0, i + 1, parts.size()));
      }
      if (results.stream().allMatch(r -> r.outcome() == Outcome.OK)) results.add(t.send(spine(parts), false));
      return merge(results, (System.nanoTime() - t0) / 1_000_000);
    } finally {
      pool.shutdownNow(); // on an interrupt: rsync's own process handling stops each part's child
    }
  }

  /** The directories above the parts' roots, the source's own as {@code .}: what more than one part writes in. */
  static List<byte[]> spine(List<FullSyncShard> parts) {
    var dirs = new java.util.TreeSet<BytePath>();
    dirs.add(BytePath.unsafeWrap(ROOT));
    for (FullSyncShard p : parts) {
      for (BytePath a : BytePath.unsafeWrap(p.root()).ancestors()) if (!dirs.add(a)) break; // and every one above: there already
    }
    List<byte[]> out = new ArrayList<>(dirs.size());
    for (BytePath d : dirs) out.add(d.unsafeArray());
    return out;
  }

  /** rsync's progress2 shape: bytes, percent, rate, elapsed, (xfr#files, to-chk=left/total), then the parts. */
  static String progressLine(long bytes, long files, long entriesDone, long total, long elapsedNanos, int partsDone, int parts) {
    long secs = elapsedNanos / 1_000_000_000L;
    int percent = total == 0 ? 100 : (int) Math.min(100, entriesDone * 100 / total);
    double rate = secs == 0 ? 0 : bytes / 1048576.0 / secs;
    return String.format(java.util.Locale.ROOT, "%,d %d%% %.2fMB/s %d:%02d:%02d (xfr#%d, to-chk=%d/%d) parts %d/%d", bytes, percent, rate,
        secs / 3600, secs / 60 % 60, secs % 60, files, total - entriesDone, total, partsDone, parts);
  }

  /** The worst outcome wins (its exit code and message first); failed paths and counts add up. */
  static TransferResult merge(List<TransferResult> results, long millis) {
    TransferResult worst = results.getFirst();
    List<byte[]> failed = new ArrayList<>();
    long files = 0;
    long bytes = 0;
    long deleted = 0;
    List<String> messages = new ArrayList<>();
    for (TransferResult r : results) {
      if (r.outcome().ordinal() > worst.outcome().ordinal()) worst = r;
      failed.addAll(r.failedPaths());
      files += r.files();
      bytes += r.bytes();
      deleted += r.deleted();
      if (!r.message().isEmpty() && !messages.contains(r.message())) messages.add(r.message());
    }
    boolean moved = worst.outcome() == Outcome.PARTIAL && results.stream().allMatch(r -> r.outcome() == Outcome.OK || r.sourceMoved());
    return new TransferResult(worst.outcome(), worst.exitCode(), failed, files, bytes, millis, String.join(" | ", messages), deleted, 0, moved);
  }
}
