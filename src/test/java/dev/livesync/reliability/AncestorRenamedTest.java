package dev.livesync.reliability;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.Bytes;
import dev.livesync.fs.WatcherChoice;
import dev.livesync.sync.EngineSettings;
import dev.livesync.sync.Replicator;
import dev.livesync.testing.Await;
import dev.livesync.testing.LoopFs;
import dev.livesync.testing.Trees;
import dev.livesync.transport.RsyncTransport;
import dev.livesync.transport.TargetOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The source's parent renamed away and back (a sync below {@code /mnt/x/a/src} while {@code a} is
 * moved aside): what changed in the source meanwhile reaches the targets, on both watchers, whether
 * it was back before the once-a-second look at the source noticed or stayed away long enough to be
 * said gone (then nothing is sent until it is back, and a full sync follows).
 */
class AncestorRenamedTest {
  static final Duration CONVERGE = Await.CONVERGE;
  @TempDir Path tmp;
  final byte[] dst = Trees.tempDir("ancestor-dst");
  Replicator r;

  @AfterEach
  void tearDown() throws Exception {
    if (r != null) r.stop(Duration.ofSeconds(10));
    Trees.delete(dst);
  }

  byte[] start(LoopFs fs, WatcherChoice.Kind watcher) throws Exception {
    byte[] src = Bytes.of(Files.createDirectories(fs.root().resolve("a/src")).toString());
    Trees.write(at(src, "old/kept.txt"), "before");
    var s = EngineSettings.builder("ancestor", src).stateDir(Files.createDirectories(tmp.resolve("state")))
        .delay(Duration.ofMillis(50)).retry(Duration.ofMillis(200), Duration.ofSeconds(1)).watcher(watcher).build();
    r = Replicator.start(s, List.of(RsyncTransport.open(src, Bytes.latin1(dst), TargetOptions.defaults())), null);
    Await.until("the first file arrives", CONVERGE, () -> Trees.exists(at(dst, "old/kept.txt")), () -> r.status());
    return src;
  }

  @ParameterizedTest
  @EnumSource(value = WatcherChoice.Kind.class, names = {"INOTIFY", "FANOTIFY"})
  void aParentRenamedAwayAndBackAtOnceLosesNothing(WatcherChoice.Kind watcher) throws Exception {
    try (LoopFs fs = LoopFs.ext4(tmp, 16)) {
      byte[] src = start(fs, watcher);
      for (int i = 0; i < 20; i++) { // each time, the engine may read the events while it is away
        Files.move(fs.root().resolve("a"), fs.root().resolve("b"));
        Files.writeString(fs.root().resolve("b/src/f" + i), "new " + i);
        Files.writeString(fs.root().resolve("b/src/old/kept.txt"), "changed " + i);
        Files.move(fs.root().resolve("b"), fs.root().resolve("a"));
        Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
      }
      assertThat(Files.readString(Path.of(Bytes.latin1(at(dst, "f19"))))).isEqualTo("new 19");
    }
  }

  @ParameterizedTest
  @EnumSource(value = WatcherChoice.Kind.class, names = {"INOTIFY", "FANOTIFY"})
  void aParentAwayLongerIsTheSourceGone_andWhatChangedMeanwhileGoesOnceItIsBack(WatcherChoice.Kind watcher) throws Exception {
    try (LoopFs fs = LoopFs.ext4(tmp, 16)) {
      byte[] src = start(fs, watcher);
      Files.move(fs.root().resolve("a"), fs.root().resolve("b"));
      Files.writeString(fs.root().resolve("b/src/f"), "made while away");
      Files.writeString(fs.root().resolve("b/src/old/kept.txt"), "changed while away");
      Files.createDirectories(fs.root().resolve("b/src/new/deeper"));
      Files.writeString(fs.root().resolve("b/src/new/deeper/g"), "in a new directory");
      Await.until("the source is said to be gone", CONVERGE, () -> !r.status().problem().isEmpty(), () -> r.status());
      assertThat(r.status().problem()).contains("is gone");
      assertThat(Trees.exists(at(dst, "f"))).as("nothing is sent while the source is gone").isFalse();
      Files.move(fs.root().resolve("b"), fs.root().resolve("a"));
      Await.until("the source is said to be back", CONVERGE, () -> r.status().problem().isEmpty(), () -> r.status());
      Trees.awaitSameTree(src, dst, CONVERGE, Trees.Ignore.DIR_MTIMES);
      assertThat(Files.readString(Path.of(Bytes.latin1(at(dst, "f"))))).isEqualTo("made while away");
    }
  }
}
