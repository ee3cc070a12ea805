package dev.livesync.sync;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After stop(), with everything pending queued: the targets' work goes on until it is done or the
 * stop's bound passes; then transfers still running are interrupted (their work stays journaled).
 * A target that is down gets no new attempt while stopping: waiting out its backoff would hold the
 * stop for the whole bound (and then be killed); its queue is journaled for the next start. So is
 * the queue of a target whose every item has failed twice or more (a source file it may not read:
 * retried until the bound ran out, every stop took all of stop_timeout).
 */
final class StopDrain {
  private static final Logger log = LoggerFactory.getLogger(Replicator.class);

  private StopDrain() {}

  /**
   * {@code completions} runs what the workers handed back; {@code wait} waits up to the given
   * milliseconds for more (and runs them).
   */
  static void run(List<TargetRunner> targets, List<ExecutorService> pools, Clock clock, long deadlineNanos,
      Runnable completions, LongConsumer wait) {
    Set<TargetRunner> saidDown = new HashSet<>();
    Map<TargetRunner, String> cutOff = new HashMap<>(); // what a target was doing when the bound passed
    while (true) {
      boolean busy = false;
      for (TargetRunner t : targets) {
        t.syncJournal();
        boolean down = t.backingOff() || t.failedFatally() || t.onlyRepeatedFailures();
        if (down && !t.idle() && !cutOff.containsKey(t) && saidDown.add(t)) {
          log.info("{}: {}, so not tried again while stopping: {} queued item(s) stay journaled for the next start", t.name(), why(t), t.queued());
        }
        if (clock.nanos() < deadlineNanos && !down) t.dispatch();
        busy |= t.running() > 0 || (!t.idle() && !down && clock.nanos() < deadlineNanos);
      }
      if (!busy) break;
      long left = (deadlineNanos - clock.nanos()) / 1_000_000;
      if (left <= 0 && targets.stream().allMatch(t -> t.running() == 0)) break;
      if (left <= 0) {
        for (TargetRunner t : targets) {
          if (t.running() > 0 && !cutOff.containsKey(t)) cutOff.put(t, "syncing".equals(t.snapshot(-1).state()) ? "a full sync" : t.running() + " transfer(s) in flight");
        }
        for (ExecutorService p : pools) p.shutdownNow(); // interrupts rsync; its work stays journaled
        // a task dropped from a pool's queue never reports back, so its runner's count stays up:
        // once every pool thread has ended, nothing can still be running
        if (pools.stream().allMatch(ExecutorService::isTerminated)) {
          completions.run();
          break;
        }
      }
      wait.accept(Math.max(10, Math.min(left, 200)));
    }
    for (TargetRunner t : targets) t.syncJournal();
    cutOff.forEach((t, doing) -> log.info("{}: still busy with {} when the stop's time (stop_timeout) ran out: stopped; {} queued item(s)"
        + " stay journaled for the next start", t.name(), doing, t.queued()));
  }

  /** Why a target gets no new attempt: refused (the reason), not writable or not reachable (what the last attempt said). */
  private static String why(TargetRunner t) {
    String last = t.snapshot(-1).lastError();
    if (t.failedFatally()) return "refused" + (last.isEmpty() ? "" : " (" + last + ")");
    if (!t.backingOff()) return "what it has queued failed at every attempt so far" + (last.isEmpty() ? "" : " (" + last + ")");
    return (last.contains(" cannot be written (") ? "not writable" : "not reachable") + (last.isEmpty() ? "" : " (" + last + ")");
  }

  /** The workers' pools stopped at once (their rsyncs killed), each waited for a little. */
  static void shutdownNow(List<ExecutorService> pools) {
    for (ExecutorService p : pools) p.shutdownNow();
    for (ExecutorService p : pools) {
      try {
        p.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
