package dev.livesync.sync;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.WatchProgress;
import dev.livesync.fs.WatcherChoice;
import dev.livesync.testing.Await;
import dev.livesync.testing.LoopFs;
import dev.livesync.testing.Trees;
import java.nio.file.Files;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the engine tells a target runner about its reads of the source ({@link SourceReads}, on which
 * the deletion of a gone ancestor waits: {@link GoneAncestors}), on the real kernel, with each
 * watcher, with and without the read-ahead thread: a mark counts as read only once every change made
 * before it is in the coalescer, and it does so on the next poll that finds the kernel's queue empty.
 * The source is on a loop-mounted ext4 of the class's own, so a fanotify filesystem mark sees only the
 * test's changes.
 */
@Timeout(120)
class SourceReadsTest {
  @RegisterExtension static final LoopFs.PerClass fs = LoopFs.perClass(64);

  /** Events read ahead and not yet taken by the engine count in the oldest change's age: the targets' lag (status, metrics, alerts). */
  @ParameterizedTest
  @CsvSource({"INOTIFY", "FANOTIFY"})
  void eventsWaitingForTheEngineCountInTheOldestChange(WatcherChoice.Kind kind) throws Exception {
    byte[] src = Bytes.of(Files.createTempDirectory(fs.root(), "src").toString());
    byte[] state = Trees.tempDir("source-reads-state");
    var settings = EngineSettings.builder("reads", src).stateDir(Trees.path(state)).watcher(kind).build(); // read ahead: the default
    var coalescer = new Coalescer(new FakeClock(), 5_000_000_000L, p -> false);
    try (var events = new SourceEvents(settings, Bytes.withSlash(src), coalescer)) {
      events.open(new WatchProgress());
      assertThat(events.oldestChangeNanos(-1, System.nanoTime())).as("nothing waits").isEqualTo(-1);
      long written = System.nanoTime();
      Trees.write(at(src, "f"), "x");
      Await.until("the change read ahead", Await.CONVERGE, () -> events.unreadAgeNanos() > 0, events::unreadAgeNanos);
      long waitFrom = System.nanoTime(); // read by now, and not taken: it has waited at least since then
      Thread.sleep(300);
      long now = System.nanoTime();
      long oldest = events.oldestChangeNanos(-1, now);
      long asked = System.nanoTime() - now; // its age was taken up to this much after now
      assertThat(oldest).as("waiting since it was read, after the write and before the pause").isBetween(written - asked, waitFrom);
      long older = written - 60_000_000_000L;
      assertThat(events.oldestChangeNanos(older, now)).as("the coalescer's, when older").isEqualTo(older);
      assertThat(events.oldestChangeNanos(now, now)).as("the read ahead's, when the coalescer's is newer").isLessThanOrEqualTo(waitFrom);
      while (events.poll(0)) coalescer.endOfRead();
      assertThat(events.oldestChangeNanos(-1, System.nanoTime())).as("taken: the coalescer's").isEqualTo(-1);
      assertThat(coalescer.size()).isEqualTo(1);
    } finally {
      Trees.delete(src);
      Trees.delete(state);
    }
  }

  @ParameterizedTest
  @CsvSource({"INOTIFY, 0", "INOTIFY, 67108864", "FANOTIFY, 0", "FANOTIFY, 67108864"})
  void aMarkIsReadOnceEveryChangeBeforeItIsInTheCoalescer(WatcherChoice.Kind kind, long readAhead) throws Exception {
    byte[] src = Bytes.of(Files.createTempDirectory(fs.root(), "src").toString());
    byte[] state = Trees.tempDir("source-reads-state");
    var settings = EngineSettings.builder("reads", src).stateDir(Trees.path(state)).watcher(kind).readAhead(readAhead).build();
    var coalescer = new Coalescer(new FakeClock(), 5_000_000_000L, p -> false);
    try (var events = new SourceEvents(settings, Bytes.withSlash(src), coalescer)) {
      events.open(new WatchProgress());
      TargetRunner.Loop loop = events.loop(r -> {});
      int files = 5000; // created, modified, closed: 15,000 events, more than one read's buffer holds
      for (int i = 0; i < files; i++) Trees.write(at(src, "f" + i), "x");
      long mark = loop.sourceReadMark();
      assertThat(loop.sourceReadSince(mark)).as("nothing read since the mark").isFalse();
      int polls = 0;
      while (!loop.sourceReadSince(mark)) {
        events.poll(0);
        coalescer.endOfRead();
        assertThat(++polls).as("polls until read through").isLessThan(10_000);
      }
      assertThat(coalescer.size()).as("every change before the mark").isEqualTo(files);
      long quiet = loop.sourceReadMark();
      events.poll(0);
      assertThat(loop.sourceReadSince(quiet)).as("a poll that finds nothing reads through at once").isTrue();
    } finally {
      Trees.delete(src);
      Trees.delete(state);
    }
  }
}
