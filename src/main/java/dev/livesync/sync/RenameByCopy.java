package dev.livesync.sync;

import dev.livesync.fs.BytePath;
import dev.livesync.fs.Bytes;
import dev.livesync.transport.Parts;
import dev.livesync.transport.TransferResult;
import dev.livesync.transport.Transport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A directory renamed at the source, on a target that can only copy (an rsync daemon): the new name
 * is made from the old copy there ({@link Transport#rename}: {@code --link-dest}, nothing sent but
 * what changed), then the old name is deleted, in one step; or, where the daemon's server can rename
 * ({@code livesync serve}), the old copy is moved there and the new name sent over it
 * ({@link Transport#moveOnServer}). The target never holds both names for
 * longer than this step, so the mass-deletion guard, which keeps its whole-tree judgements out of it,
 * never sees a renamed tree as the loss of its old name; and the batch after the rename finds nothing
 * left to do at either name. A copy that stopped part-way because the new name left the source
 * meanwhile (renamed on, deleted) has its part removed again: it is not the source's.
 *
 * <p>Also remembers, for a minute, the names it deleted at the target: a batch whose only paths gone
 * from the source are those can be sent without a dry run first ({@link #goneAtTarget}).
 */
final class RenameByCopy {
  /**
   * {@code copied}: the new name was made; {@code deleted}: the entries deleted at the old name;
   * {@code made}: the entries of the new name, counted, or -1 when not counted.
   */
  record Done(boolean copied, long deleted, long made) {}

  /** From this many entries the old name is deleted in parts side by side ({@link #deleteOld}). */
  static final long SPLIT_MIN_ENTRIES = 10_000;
  private static final int PARTS = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  private final Transport inner;
  private final Batcher.SizeProbe source;
  private final SourceTrees trees;
  private final Clock clock;
  private final Map<BytePath, Long> gone = new HashMap<>();
  /** Whole-tree dry runs hold it to read ({@link #outside}); a rename to write. */
  private final ReentrantReadWriteLock copying = new ReentrantReadWriteLock();

  /** What a dry run does, of the whole tree: it may fail, and may be interrupted. */
  interface Preview<T> {
    T run() throws InterruptedException;
  }

  RenameByCopy(Transport inner, Batcher.SizeProbe source, SourceTrees trees, Clock clock) {
    this.inner = inner;
    this.source = source;
    this.trees = trees;
    this.clock = clock;
  }

  /** {@code mayDelete}: false while the guard holds deletions (the old name then stays, as any deletion would). */
  Done run(byte[] from, byte[] to, boolean mayDelete) throws InterruptedException {
    copying.writeLock().lockInterruptibly();
    try {
      return copyThenDelete(from, to, mayDelete);
    } finally {
      copying.writeLock().unlock();
    }
  }

  /** Runs {@code preview} while no rename has the target hold both names of a directory. */
  <T> T outside(Preview<T> preview) throws InterruptedException {
    copying.readLock().lockInterruptibly();
    try {
      return preview.run();
    } finally {
      copying.readLock().unlock();
    }
  }

  private Done copyThenDelete(byte[] from, byte[] to, boolean mayDelete) throws InterruptedException {
    if (mayDelete && source.size(from) < 0) {
      // a server that can rename (livesync serve): the old copy moved, nothing made or deleted but
      // what the send of the new name after the move changed in it
      TransferResult moved = inner.moveOnServer(from, to);
      if (moved != null) {
        remember(from);
        return moved.outcome() == TransferResult.Outcome.OK ? new Done(true, moved.deleted(), 0) : new Done(false, 0, -1);
      }
    }
    boolean wasThere = source.size(to) >= 0;
    boolean ok = inner.rename(from, to);
    if (!ok) {
      // only a copy that ran can have left a part behind: the new name was at the source, and is gone now
      if (wasThere && mayDelete && source.size(to) < 0 && inner.send(List.of(to), false, -1).outcome() == TransferResult.Outcome.OK) {
        remember(to);
      }
      return new Done(false, 0, -1);
    }
    if (!mayDelete || source.size(from) >= 0) return new Done(true, 0, -1); // back at the source: the batch reconciles it
    long[] made = {-1};
    long deleted = deleteOld(from, to, made);
    if (deleted < 0) return new Done(true, 0, made[0]);
    remember(from);
    return new Done(true, deleted, made[0]);
  }

  /**
   * The old name deleted at the target: the daemon deletes one entry after another in one receiver,
   * so where the tree is large its entries go in parts side by side, balanced by entry counts (as the
   * new name holds them at the source: they were the old name's a moment ago), then the old name
   * itself with whatever is left. Returns the entries deleted, or -1 when a run failed (the batch
   * after the rename reconciles the old name then); {@code made[0]}: the new name's entries, where counted.
   */
  private long deleteOld(byte[] from, byte[] to, long[] made) throws InterruptedException {
    List<List<byte[]>> parts = List.of();
    List<byte[]> children = PARTS > 1 ? trees.children(to) : List.of();
    if (children.size() > 1) {
      long[] weight = new long[children.size()];
      long total = 1;
      for (int i = 0; i < weight.length; i++) total += weight[i] = trees.entries(children.get(i));
      made[0] = total;
      if (total >= SPLIT_MIN_ENTRIES) parts = balanced(children, weight, from, to.length);
    }
    boolean failed = false;
    long deleted = 0;
    if (parts.size() > 1) {
      var pool = Executors.newVirtualThreadPerTaskExecutor();
      try {
        List<Future<TransferResult>> runs = new ArrayList<>();
        for (List<byte[]> part : parts) runs.add(pool.submit(() -> inner.send(part, false, -1)));
        for (Future<TransferResult> f : runs) {
          TransferResult r = result(f);
          if (r == null || r.outcome() != TransferResult.Outcome.OK) failed = true;
          else deleted += r.deleted();
        }
      } catch (InterruptedException | RuntimeException e) {
        pool.shutdownNow(); // their rsyncs are stopped as an interrupted run's are
        throw e;
      } finally {
        pool.close();
      }
    }
    TransferResult r = inner.send(List.of(from), false, -1);
    return failed || r.outcome() != TransferResult.Outcome.OK ? -1 : deleted + r.deleted();
  }

  private static TransferResult result(Future<TransferResult> f) throws InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      return null;
    }
  }

  /** {@code children} of the new name (its length {@code toLength}) as names under {@code from}, in up to {@link #PARTS} parts of like weight. */
  private static List<List<byte[]>> balanced(List<byte[]> children, long[] weight, byte[] from, int toLength) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < weight.length; i++) order.add(i);
    order.sort(Comparator.comparingLong((Integer i) -> weight[i]).reversed());
    return Parts.balanced(order, i -> weight[i], PARTS).stream().map(part -> part.stream().map(i -> {
      byte[] c = children.get(i);
      return Bytes.concat(from, Arrays.copyOfRange(c, toLength, c.length));
    }).toList()).toList();
  }

  private synchronized void remember(byte[] path) {
    long now = clock.nanos();
    gone.values().removeIf(t -> now - t > DeletionGuard.WINDOW_NANOS);
    gone.put(BytePath.unsafeWrap(path), now);
  }

  /**
   * Whether {@code path}, gone from the source, was deleted at the target by a rename in the last
   * minute (it or a directory above it). Only a hint for choosing the cheaper send: a send trusting it
   * still deletes nothing ({@code --max-delete=0}) and is judged after all if rsync finds anything to delete.
   */
  synchronized boolean goneAtTarget(byte[] path) {
    if (gone.isEmpty()) return false;
    long now = clock.nanos();
    gone.values().removeIf(t -> now - t > DeletionGuard.WINDOW_NANOS);
    return BytePath.unsafeWrap(path).isUnderAny(gone.keySet(), true);
  }
}
