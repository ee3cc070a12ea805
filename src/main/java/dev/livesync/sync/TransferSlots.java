package dev.livesync.sync;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * How many live transfers (batches and renames; not full syncs, not probes) may run at once in
 * this process, over all targets of all syncs: {@code --max-transfers}, {@code max_transfers}.
 *
 * <p>Why: each rsync run costs about 20 ms of CPU before its first file on the sending side (and as
 * much again on a loopback daemon), so ten targets each running up to {@code workers} batches at
 * once spend the machine on starting runs, and every run gets slower. With a cap, a target waits
 * for a slot while its waiting batches merge ({@link WaitingSends}): fewer, larger runs, as many as
 * the machine can do. One target with the default workers never waits (the default is at least 4).
 *
 * <p>Fairness: targets refused a slot get the next free ones in the order they were refused, over
 * all syncs of the process; a sync's loop offers free slots to its targets the one served least
 * recently first; beside other targets one holds at most half ({@link #share}). A release wakes
 * every sync's loop ({@link #register}), and {@link #epoch()} tells a refused target that a slot
 * was freed since.
 */
public final class TransferSlots {
  private static final TransferSlots SHARED = new TransferSlots(defaultLimit());

  private volatile int limit;
  private int used;
  /** Seats taken and not left: the targets of the process. */
  private int seats;
  /** Seats refused a slot and still asking, in the order they were first refused. */
  private final java.util.LinkedHashSet<Seat> waiting = new java.util.LinkedHashSet<>();
  private final java.util.concurrent.atomic.AtomicLong epoch = new java.util.concurrent.atomic.AtomicLong();
  private final CopyOnWriteArrayList<Runnable> wakers = new CopyOnWriteArrayList<>();

  TransferSlots(int limit) {
    limit(limit);
  }

  /** The process's slots: every sync of a {@code run} shares them. */
  public static TransferSlots shared() {
    return SHARED;
  }

  /** The default cap: twice the CPUs, at least 4 (the default workers of one target). */
  public static int defaultLimit() {
    return Math.max(EngineSettings.DEFAULT_WORKERS, 2 * Runtime.getRuntime().availableProcessors());
  }

  /** Sets the cap (at least 1); running transfers above a lowered cap finish, new ones wait. */
  public void limit(int n) {
    if (n < 1) throw new IllegalArgumentException("limit " + n);
    synchronized (this) {
      limit = n;
    }
    freed();
  }

  public int limit() {
    return limit;
  }

  /** Batches and renames take a slot; full syncs run on their target's workers alone. */
  static boolean counts(WorkItem item) {
    return !(item instanceof WorkItem.FullSync);
  }

  /**
   * Takes a slot for {@code s} if one is free for it: the seats refused before it come first, in the
   * order they were refused; one at its share waits out of that line.
   */
  private synchronized boolean tryAcquire(Seat s) {
    if (s.held >= share()) {
      waiting.remove(s);
      return false;
    }
    int ahead = 0;
    for (Seat w : waiting) {
      if (w == s) break;
      ahead++;
    }
    if (limit - used <= ahead) {
      waiting.add(s); // keeps its place if it has one
      return false;
    }
    waiting.remove(s);
    used++;
    s.held++;
    return true;
  }

  /**
   * The most one target may hold while others exist: half the slots (at least one). A target whose
   * host stopped answering keeps its runs until rsync's timeout; it must not take every slot.
   */
  synchronized int share() {
    return seats > 1 ? Math.max(1, (limit + 1) / 2) : limit;
  }

  /** Gives a slot back and wakes every loop, whose refused targets look again. */
  void release() {
    synchronized (this) {
      if (used == 0) throw new IllegalStateException("release without acquire");
      used--;
    }
    freed();
  }

  private void freed() {
    epoch.incrementAndGet();
    for (Runnable w : wakers) w.run();
  }

  /** Changes whenever a slot is freed. */
  long epoch() {
    return epoch.get();
  }

  /** Slots free now (a hint: another thread may take them first). */
  synchronized int free() {
    return Math.max(0, limit - used);
  }

  synchronized int inUse() {
    return used;
  }

  /** {@code targets} in the order a sync's loop offers them free slots: the one served least recently first. */
  static java.util.List<TargetRunner> leastServedFirst(java.util.List<TargetRunner> targets) {
    if (targets.size() < 2) return targets;
    var order = new java.util.ArrayList<>(targets);
    order.sort(java.util.Comparator.comparingLong(t -> t.seat.servedNanos()));
    return order;
  }

  /** One target's place at the slots, until it {@link Seat#leave leaves}. */
  synchronized Seat seat() {
    seats++;
    return new Seat();
  }

  /** A sync stops: its loop is no longer woken, its targets leave their seats. */
  void leave(Runnable wake, java.util.List<TargetRunner> targets) {
    unregister(wake);
    for (TargetRunner t : targets) t.seat.leave();
  }

  /** One target's view: whether its last try was refused, and when it last got a slot. Its loop thread only. */
  final class Seat {
    private boolean refused;
    private long refusedEpoch;
    private long servedNanos;
    private int held;
    private boolean left;

    /** Takes a slot at {@code now}, or remembers the refusal. */
    boolean take(long now) {
      long e = epoch(); // read first: a slot freed between the refusal and this read still counts as freed
      if (!tryAcquire(this)) {
        refused = true;
        refusedEpoch = e;
        return false;
      }
      refused = false;
      servedNanos = now;
      return true;
    }

    /** Refused, and a slot was freed since: worth a look again. */
    boolean freed() {
      return refused && epoch() != refusedEpoch;
    }

    /** Gives back one slot this seat took; from any thread, once per slot. */
    void release() {
      synchronized (TransferSlots.this) {
        held--;
      }
      TransferSlots.this.release();
    }

    /** Its target has nothing to ask a slot for now: it gives up its place in the line. */
    void stopWaiting() {
      synchronized (TransferSlots.this) {
        waiting.remove(this);
      }
    }

    /** Its target is gone: it no longer counts when the slots are shared out (its running transfers still give theirs back). */
    void leave() {
      synchronized (TransferSlots.this) {
        waiting.remove(this);
        if (left) return;
        left = true;
        seats--;
      }
    }

    /** When it last got a slot (0: never): the least recent is offered a free one first. */
    long servedNanos() {
      return servedNanos;
    }
  }

  /** {@code wake} runs (on the releasing thread: keep it short) whenever a slot is freed, until it is removed. */
  void register(Runnable wake) {
    wakers.add(wake);
  }

  void unregister(Runnable wake) {
    wakers.remove(wake);
  }
}
