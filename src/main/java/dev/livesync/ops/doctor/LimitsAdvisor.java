package dev.livesync.ops.doctor;

import dev.livesync.fs.KernelLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compares the inotify limits with what the sources need and recommends values. A watch costs
 * kernel memory that cannot be swapped out: the inotify mark plus the inode it pins in the cache,
 * about 1 KB on 64-bit (540 bytes on 32-bit). Since Linux 5.11 the kernel itself budgets
 * INOTIFY_WATCH_COST = sizeof(inotify_inode_mark) + 2 * sizeof(struct inode), about 1.7 KB on
 * x86-64, and sizes the default max_user_watches as 1% of RAM over that, clamped to [8192, 1048576].
 */
public final class LimitsAdvisor {
  /** Typical cost of one watch on 64-bit. */
  public static final long WATCH_BYTES = 1024;
  /** The kernel's own conservative budget per watch (Linux >= 5.11, x86-64). */
  public static final long WATCH_BYTES_KERNEL_BUDGET = 1760;
  static final long MIN_QUEUED = 16384;
  static final long RECOMMENDED_QUEUED = 65536;
  static final long MIN_INSTANCES = 8;
  static final long RECOMMENDED_INSTANCES = 256;

  /**
   * What {@code doctor --fix} writes; never lower than the current values. {@code
   * fanotifyMaxQueuedEvents}: fanotify's queue, for sources watched with fanotify; 0 when none is
   * (or the kernel, before 5.13, has no such setting): left alone.
   */
  public record Recommendation(long maxUserWatches, long maxQueuedEvents, long maxUserInstances, long fanotifyMaxQueuedEvents) {
    public Recommendation(long maxUserWatches, long maxQueuedEvents, long maxUserInstances) {
      this(maxUserWatches, maxQueuedEvents, maxUserInstances, 0);
    }

    public String sysctlConf() {
      return "# Written by livesync doctor --fix: inotify limits for live replication.\n"
          + "# One watch per directory; each costs ~1 KB of unswappable kernel memory.\n"
          + "fs.inotify.max_user_watches = " + maxUserWatches + "\n"
          + "fs.inotify.max_queued_events = " + maxQueuedEvents + "\n"
          + "fs.inotify.max_user_instances = " + maxUserInstances + "\n"
          + (fanotifyMaxQueuedEvents <= 0 ? "" : "# The queue of each fanotify group (sources watched with fanotify).\n"
              + "fs.fanotify.max_queued_events = " + fanotifyMaxQueuedEvents + "\n");
    }
  }

  /** The name of the check of fanotify's queue. */
  static final String FANOTIFY_QUEUED = "fanotify max_queued_events";

  private final InotifyLimits limits;
  private final Map<String, Long> dirsPerSource;
  private final long inUse;
  private final List<String> marked;
  private final long fanotifyQueued;

  /**
   * @param dirsPerSource directories under each source (its root included), by display name
   * @param inUse watches this user holds right now (other programs share the per-user limit), or -1
   */
  public LimitsAdvisor(InotifyLimits limits, Map<String, Long> dirsPerSource, long inUse) {
    this(limits, dirsPerSource, inUse, List.of());
  }

  /** @param marked sources watched with fanotify (one filesystem mark each): they need no watch, and are said so */
  public LimitsAdvisor(InotifyLimits limits, Map<String, Long> dirsPerSource, long inUse, List<String> marked) {
    this(limits, dirsPerSource, inUse, marked, marked.isEmpty() ? -1 : KernelLimits.fanotifyMaxQueuedEvents());
  }

  /** @param fanotifyQueued fs.fanotify.max_queued_events, or -1 (a kernel before 5.13: 16384, fixed) */
  LimitsAdvisor(InotifyLimits limits, Map<String, Long> dirsPerSource, long inUse, List<String> marked, long fanotifyQueued) {
    this.fanotifyQueued = fanotifyQueued;
    this.limits = limits;
    this.dirsPerSource = dirsPerSource;
    this.inUse = inUse;
    this.marked = marked;
  }

  public long watchesNeeded() {
    return dirsPerSource.values().stream().mapToLong(Long::longValue).sum();
  }

  public Recommendation recommendation() {
    long needed = watchesNeeded() + Math.max(inUse, 0);
    // room for the tree to grow by half, and for other programs of the same user
    long watches = Math.max(65536, Long.highestOneBit(needed + needed / 2 + 8192) << 1);
    return new Recommendation(
        Math.max(limits.maxUserWatches(), watches),
        Math.max(limits.maxQueuedEvents(), RECOMMENDED_QUEUED),
        Math.max(limits.maxUserInstances(), RECOMMENDED_INSTANCES),
        marked.isEmpty() || fanotifyQueued < 0 ? 0 : Math.max(fanotifyQueued, RECOMMENDED_QUEUED));
  }

  public List<Check> checks() {
    List<Check> out = new ArrayList<>();
    long needed = watchesNeeded();
    long max = limits.maxUserWatches();
    long available = inUse >= 0 ? max - inUse : max;
    StringBuilder where = new StringBuilder();
    dirsPerSource.forEach((src, n) -> where.append(where.isEmpty() ? "" : ", ").append(n).append(" under ").append(src));
    String need = needed + " directories (" + where + ") need " + needed + " watches, ~" + mib(needed * WATCH_BYTES)
        + " of kernel memory (the kernel budgets up to ~" + mib(needed * WATCH_BYTES_KERNEL_BUDGET) + ")";
    String fan = marked.isEmpty() ? "" : String.join(", ", marked) + " (watched with fanotify: one filesystem mark)";
    if (!fan.isEmpty()) need += "; none for " + fan;
    String use = inUse >= 0 ? "; " + inUse + " already in use by this user" : "";
    long rec = recommendation().maxUserWatches();
    String fix = "run 'livesync doctor --fix' (sets fs.inotify.max_user_watches = " + rec + " in /etc/sysctl.d/90-livesync.conf)";
    if (dirsPerSource.isEmpty() && !marked.isEmpty()) {
      out.add(Check.ok(InotifyLimits.WATCHES, max + ": no watches needed: " + fan));
    } else if (dirsPerSource.isEmpty()) {
      out.add(Check.ok(InotifyLimits.WATCHES, max + " (no source given: pass SOURCE or --config to compare)"));
    } else if (needed > available) {
      out.add(Check.fail(InotifyLimits.WATCHES, max + " is too low: " + need + use + "; watching will fail with 'no space left on device'; " + fix));
    } else if (needed + needed / 5 > available) {
      out.add(Check.warn(InotifyLimits.WATCHES, max + " leaves under 20% headroom: " + need + use + "; " + fix));
    } else {
      out.add(Check.ok(InotifyLimits.WATCHES, max + ": " + need + use));
    }
    long q = limits.maxQueuedEvents();
    if (q < MIN_QUEUED) {
      out.add(Check.warn(InotifyLimits.QUEUED, q + " is below the kernel default " + MIN_QUEUED
          + ": a burst overflows the queue and forces a full rescan; run 'livesync doctor --fix' (sets " + RECOMMENDED_QUEUED + ")"));
    } else {
      out.add(Check.ok(InotifyLimits.QUEUED, q + " events may wait in the kernel queue; beyond that they are dropped and livesync rescans"));
    }
    if (!marked.isEmpty()) out.add(fanotifyQueue());
    long inst = limits.maxUserInstances();
    if (inst < MIN_INSTANCES) {
      out.add(Check.warn(InotifyLimits.INSTANCES, inst + " inotify instances per user: each livesync, inotifywait or editor needs one; run 'livesync doctor --fix' (sets " + RECOMMENDED_INSTANCES + ")"));
    } else {
      out.add(Check.ok(InotifyLimits.INSTANCES, inst + " inotify instances per user (livesync uses one per run)"));
    }
    return out;
  }

  /**
   * fanotify's queue: each group holds fs.fanotify.max_queued_events unread (taken when the group is
   * made), not fs.inotify's; beyond it the kernel drops events (FAN_Q_OVERFLOW) and livesync rescans.
   */
  private Check fanotifyQueue() {
    String queue = "the queue of each sync watched with fanotify (" + String.join(", ", marked) + ")";
    if (fanotifyQueued < 0) return Check.ok(FANOTIFY_QUEUED, MIN_QUEUED + " events may wait in " + queue + " (fixed by a kernel before 5.13)");
    if (fanotifyQueued < MIN_QUEUED) {
      return Check.warn(FANOTIFY_QUEUED, fanotifyQueued + " is below the kernel default " + MIN_QUEUED + ": a burst overflows " + queue
          + " and forces a full rescan; run 'livesync doctor --fix' (sets fs.fanotify.max_queued_events = " + RECOMMENDED_QUEUED
          + "; a running livesync takes it at its next start)");
    }
    return Check.ok(FANOTIFY_QUEUED, fanotifyQueued + " events may wait in " + queue + "; beyond that they are dropped and livesync rescans");
  }

  /** The paragraph doctor prints under the checks. */
  public static String explanation() {
    return String.join("\n",
        "About the inotify limits (per user, shared by every program that user runs):",
        "  max_user_watches    one watch per watched directory. Each costs ~1 KB of kernel memory that",
        "                      cannot be swapped out (the inotify mark plus the inode it pins), 540 bytes",
        "                      on 32-bit; Linux >= 5.11 budgets ~1.7 KB and defaults the limit to 1% of RAM.",
        "                      Memory is used per watch in use, not per unit of the limit.",
        "  max_queued_events   events the kernel holds for a reader; when full they are dropped",
        "                      (IN_Q_OVERFLOW) and livesync falls back to a full rescan of the tree.",
        "  max_user_instances  inotify file descriptors per user (one per livesync run).",
        "Set them persistently with 'livesync doctor --fix' (/etc/sysctl.d/90-livesync.conf), not rc.local.");
  }

  static String mib(long bytes) {
    if (bytes < 1024 * 1024) return String.format("%.0f KB", bytes / 1024.0);
    return String.format("%.1f MB", bytes / (1024.0 * 1024));
  }
}
