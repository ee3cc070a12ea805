package dev.livesync.ops.doctor;

import dev.livesync.fs.KernelLimits;

/** A snapshot of the three inotify sysctls (see {@link KernelLimits}). */
public record InotifyLimits(long maxUserWatches, long maxQueuedEvents, long maxUserInstances) {
  public static final String WATCHES = KernelLimits.MAX_USER_WATCHES;
  public static final String QUEUED = KernelLimits.MAX_QUEUED_EVENTS;
  public static final String INSTANCES = KernelLimits.MAX_USER_INSTANCES;

  public static InotifyLimits current() {
    return new InotifyLimits(KernelLimits.maxUserWatches(), KernelLimits.maxQueuedEvents(), KernelLimits.maxUserInstances());
  }
}
