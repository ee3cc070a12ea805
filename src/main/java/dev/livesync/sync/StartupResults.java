package dev.livesync.sync;

import dev.livesync.transport.TransferResult.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first attempts of a sync's initial full syncs, one per target, which its start waits for: a
 * FATAL one (a target that refused us: authentication, usage) fails the start; any other failure is
 * retried in the background.
 */
final class StartupResults implements TargetRunner.StartupListener {
  private static final Logger log = LoggerFactory.getLogger(Replicator.class);
  private final CountDownLatch started;
  private final List<String> fatal = new ArrayList<>();

  StartupResults(int targets) {
    this.started = new CountDownLatch(targets);
  }

  @Override
  public void startupResult(String target, Outcome o, String message) {
    if (o == Outcome.FATAL) synchronized (fatal) { fatal.add(target + ": " + message); }
    else if (TargetRunner.INTERRUPTED.equals(message)) log.info("{}: initial sync cut off by the stop; the next start runs it again", target);
    else if (o == Outcome.RETRY) log.warn("{}: initial sync failed ({}); will retry in the background, events are queued", target, message);
    started.countDown();
  }

  /** Waits up to {@code millis} for every target's first attempt; false when the time ran out first. */
  boolean await(long millis) throws InterruptedException {
    return started.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** Once {@link #await} returned true: why the refusing targets refused, or null. */
  String refused() {
    synchronized (fatal) {
      return fatal.isEmpty() ? null : String.join("; ", fatal);
    }
  }

  /** No more results will come (the engine stopped): whoever waits goes on. */
  void release() {
    while (started.getCount() > 0) started.countDown();
  }
}
